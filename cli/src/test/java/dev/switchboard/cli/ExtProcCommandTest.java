package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExtProcCommandTest {
    @Test
    void helpSaysHowAStreamChoosesItsPool() {
        CliRun r = CliRun.of("extproc", "--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("x-switchboard-pool").contains("grpc_initial_metadata").contains("--bbr")
                .contains("--pool").contains("9002").contains("9090");
    }

    @Test
    void aConfigThatDoesNotLoadIsReportedWithoutAStackTrace(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, "apiVersion: inference.networking.k8s.io/v1\nkind: InferencePool\nmetadata: {name: p}\n"
                + "spec: {selector: {matchLabels: {app: x}}, bogus: 1}\n");
        CliRun r = CliRun.of("extproc", "-c", file.toString(), "--port", "0", "--admin-port", "-1");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("bad.yaml").doesNotContain("Exception");
    }

    @Test
    void aConfigFileOrTheClusterIsRequired() {
        CliRun r = CliRun.of("extproc");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("-c FILE").contains("--kubernetes");
        CliRun both = CliRun.of("extproc", "--kubernetes", "-c", "x.yaml");
        assertThat(both.code()).isEqualTo(2);
        assertThat(both.err()).contains("one of the two");
    }
}
