package dev.switchboard.kubernetes;

import dev.switchboard.core.config.ConfigException;
import dev.switchboard.core.config.SecretResolver;
import io.fabric8.kubernetes.api.model.Secret;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Secret keys as files, the way a Secret volume would mount them: each key a configuration refers to is written to
 * its own file (owner-only) under a private directory, and written again when the Secret changes. The credential
 * readers re-read a file when it changes, so a rotated Secret reaches the backends in place, without a reload.
 *
 * <p>Values never appear in a message or a log line; only namespaces, names and keys do.
 */
final class SecretFiles implements SecretResolver, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SecretFiles.class);

    private final Path dir;
    private final Function<String, Secret> secrets;
    private final String defaultNamespace;
    /** The keys resolved so far (namespace/name/key), to write again when their Secret changes. */
    private final Set<String> used = ConcurrentHashMap.newKeySet();

    /** {@code secrets} looks a Secret up by {@code namespace/name} (an informer's store). */
    SecretFiles(Function<String, Secret> secrets, String defaultNamespace) {
        this.secrets = secrets;
        this.defaultNamespace = defaultNamespace;
        try {
            this.dir = Files.createTempDirectory("switchboard-secrets",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a private directory for Secret files", e);
        }
    }

    @Override
    public Path file(String namespace, String name, String key) throws ConfigException {
        String ns = namespace != null ? namespace : defaultNamespace;
        byte[] value = value(ns, name, key);
        Path file = dir.resolve(ns).resolve(name).resolve(key);
        try {
            write(file, value);
        } catch (IOException e) {
            throw new ConfigException("cannot write Secret " + ns + "/" + name + " key '" + key + "' to " + file
                    + ": " + e.getMessage());
        } finally {
            Arrays.fill(value, (byte) 0);
        }
        used.add(ns + "/" + name + "/" + key);
        return file;
    }

    /** Writes every key in use again from the current Secrets; a key gone keeps its last value, with a warning. */
    void refresh() {
        for (String id : used) {
            String[] part = id.split("/", 3);
            try {
                file(part[0], part[1], part[2]);
            } catch (ConfigException e) {
                LOG.warn("{}; the last value stays in use until the configuration no longer refers to it",
                        e.getMessage());
            }
        }
    }

    private byte[] value(String ns, String name, String key) throws ConfigException {
        Secret s = secrets.apply(ns + "/" + name);
        if (s == null) {
            throw new ConfigException("Secret " + ns + "/" + name + " not found");
        }
        Map<String, String> data = s.getData();
        if (data != null && data.get(key) != null) {
            try {
                return Base64.getDecoder().decode(data.get(key));
            } catch (IllegalArgumentException e) {
                throw new ConfigException("Secret " + ns + "/" + name + " key '" + key + "' is not base64");
            }
        }
        Map<String, String> plain = s.getStringData(); // only set on objects not yet through the API server
        if (plain != null && plain.get(key) != null) {
            return plain.get(key).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
        throw new ConfigException("Secret " + ns + "/" + name + " has no key '" + key + "'"
                + (data == null || data.isEmpty() ? "" : "; its keys: " + String.join(", ", new java.util.TreeSet<>(data.keySet()))));
    }

    /** Writes when the content differs, through a temporary file moved into place (a reader sees old or new). */
    private static void write(Path file, byte[] value) throws IOException {
        if (Files.exists(file) && Arrays.equals(Files.readAllBytes(file), value)) {
            return;
        }
        Files.createDirectories(file.getParent());
        Path tmp = Files.createTempFile(file.getParent(), ".", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.write(tmp, value);
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    @Override
    public void close() {
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.warn("could not remove {}: {}", dir, e.getMessage());
        }
    }
}
