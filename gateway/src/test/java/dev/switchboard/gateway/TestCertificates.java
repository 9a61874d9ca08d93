package dev.switchboard.gateway;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;

/** Self-signed certificates for TLS tests, made with the openssl command (the test is skipped without it). */
public final class TestCertificates {
    public record Pair(Path cert, Path key) {}

    private TestCertificates() {}

    /** An EC P-256 certificate for CN=localhost with subjectAltName IP:127.0.0.1, and its PKCS#8 key, in {@code dir}. */
    public static Pair selfSigned(Path dir) throws Exception {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key.toString(), "-out", cert.toString(), "-days", "1",
                "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1").redirectErrorStream(true).start();
        assumeTrue(p.waitFor() == 0, "openssl is needed to make a test certificate");
        return new Pair(cert, key);
    }
}
