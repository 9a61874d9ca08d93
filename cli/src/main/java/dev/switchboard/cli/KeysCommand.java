package dev.switchboard.cli;

import dev.switchboard.core.config.ConfigException;
import dev.switchboard.core.config.SecurityPolicy;
import dev.switchboard.policy.Quota;
import dev.switchboard.policy.auth.KeyFile;
import dev.switchboard.policy.auth.KeyRecord;
import dev.switchboard.policy.auth.Money;
import dev.switchboard.policy.auth.Periods;
import dev.switchboard.policy.auth.ServerSecret;
import dev.switchboard.policy.auth.VirtualKey;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code switchboard keys create|list|revoke}: the virtual keys of a key file ({@link KeyFile}), which a gateway
 * with a {@code ClientAuth} document watches, or of a Redis that replicas share ({@code --redis}; see
 * {@link KeyStorage}). The key is printed once, at creation; the file or Redis keeps its HMAC only. Every write
 * replaces the file atomically, so a watching gateway never reads half of one; in Redis each write is one field,
 * announced on the change channel.
 */
@Command(name = "keys", mixinStandardHelpOptions = true,
        description = "Creates, lists and revokes the virtual keys clients use (sk-sb-...).",
        subcommands = {KeysCommand.Create.class, KeysCommand.ListKeys.class, KeysCommand.Revoke.class})
final class KeysCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /**
     * Where the keys are: a key file, or Redis and how to reach it (the fields a gateway's {@code virtualKeys.redis}
     * has). A mixin rather than an exclusive group: picocli's annotation processor rejected an ArgGroup class
     * that the three commands share, so the one-of check is {@link #open}'s.
     */
    static final class Place {
        @Option(names = "--file", description = "The key file (created if absent).")
        Path file;

        @Option(names = "--redis", paramLabel = "HOST:PORT",
                description = "Keep the keys in this Redis instead of a file (shared by every replica).")
        String redis;

        @Option(names = "--redis-password-env", paramLabel = "VAR",
                description = "With --redis: the environment variable holding the Redis password.")
        String passwordEnv;

        @Option(names = "--key-prefix", paramLabel = "PREFIX",
                description = "With --redis: the gateway's keyPrefix; keys are in the hash PREFIXkeys"
                        + " (default: switchboard:).")
        String keyPrefix;

        KeyStorage open() throws ConfigException {
            if ((file == null) == (redis == null)) {
                throw new IllegalArgumentException("expected exactly one of --file (a key file) or --redis HOST:PORT");
            }
            if (file != null) {
                if (passwordEnv != null || keyPrefix != null) {
                    throw new IllegalArgumentException("--redis-password-env and --key-prefix go with --redis, not"
                            + " --file");
                }
                return KeyStorage.file(file);
            }
            return KeyStorage.redis(redis, passwordEnv, keyPrefix == null ? "switchboard:" : keyPrefix, System::getenv);
        }
    }

    /** Where the server secret is: the same variable or file the gateway's ClientAuth names. */
    static final class SecretSource {
        @Option(names = "--secret-env", paramLabel = "VAR", required = true,
                description = "Environment variable holding the server secret (32+ bytes).")
        String env;

        @Option(names = "--secret-file", paramLabel = "PATH", required = true,
                description = "File holding the server secret (32+ bytes).")
        Path file;

        SecurityPolicy.Secret ref() {
            return env != null ? new SecurityPolicy.Secret(env, null) : new SecurityPolicy.Secret(null, file);
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Makes a key, prints it once on stdout and adds its hashed record to the key file or Redis.")
    static final class Create implements Callable<Integer> {
        @Mixin
        Place place;

        @ArgGroup(exclusive = true, multiplicity = "1")
        SecretSource secret;

        @Option(names = "--models", split = ",", description = "Models it may call, comma-separated (default: any).")
        List<String> models = new ArrayList<>();

        @Option(names = "--routes", split = ",", description = "Route rules it may reach, by name (default: any).")
        List<String> routes = new ArrayList<>();

        @Option(names = "--rpm", description = "Requests per minute (default: no limit).")
        Long rpm;

        @Option(names = "--tpm", description = "Tokens per minute (default: no limit).")
        Long tpm;

        @Option(names = "--budget-usd", paramLabel = "USD", description = "Money it may spend per period, e.g. 12.50.")
        String budgetUsd;

        @Option(names = "--budget-period", paramLabel = "PERIOD", defaultValue = "30d",
                description = "How often the budget resets, e.g. 1d, 1w, 30d (default: ${DEFAULT-VALUE}).")
        String budgetPeriod;

        @Option(names = "--expires", paramLabel = "PERIOD", description = "Expires after this long, e.g. 90d (default: never).")
        String expires;

        @Option(names = "--label", paramLabel = "NAME=VALUE", description = "Metadata for metrics and the access log,"
                + " e.g. --label team=search --label user=ana.")
        Map<String, String> labels = new LinkedHashMap<>();

        @Override
        public Integer call() throws IOException, ConfigException {
            ServerSecret server = ServerSecret.load(secret.ref(), System::getenv);
            for (long n : new long[] {rpm == null ? 0 : rpm, tpm == null ? 0 : tpm}) {
                if (n < 0) {
                    throw new IllegalArgumentException("--rpm and --tpm take a whole number of zero or more");
                }
            }
            Quota.Budget budget = budgetUsd == null ? null
                    : new Quota.Budget(Money.microDollars(budgetUsd), Periods.parse(budgetPeriod));
            Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            Instant expiresAt = expires == null ? null : now.plus(Periods.parse(expires));
            try (KeyStorage keys = place.open()) {
                VirtualKey.Issued issued;
                do { // 64 random bits: a clash is a curiosity, but an id must name one key
                    issued = VirtualKey.generate(new SecureRandom());
                } while (!keys.add(new KeyRecord(issued.id(), server.hashHex(issued.key()), labels,
                        new LinkedHashSet<>(models), new LinkedHashSet<>(routes),
                        new Quota(rpm == null ? -1 : rpm, tpm == null ? -1 : tpm, budget), now, expiresAt, false)));
                System.out.println(issued.key());
                System.err.println("key " + issued.id() + " added to " + keys.where() + "; the key above will not be"
                        + " shown again: store it now (only its hash is kept)");
                return 0;
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Prints each key's id, labels, limits, expiry and state; never a key or a hash.")
    static final class ListKeys implements Callable<Integer> {
        @Mixin
        Place place;

        @Override
        public Integer call() throws IOException, ConfigException {
            List<KeyRecord> keys;
            String where;
            try (KeyStorage storage = place.open()) {
                keys = storage.all();
                where = storage.where();
            }
            Instant now = Instant.now();
            String format = "%-16s  %-8s  %-22s  %-20s  %s%n";
            System.out.printf(format, "ID", "STATE", "EXPIRES", "LIMITS", "LABELS / MODELS / ROUTES");
            for (KeyRecord k : keys) {
                String state = k.revoked() ? "revoked"
                        : k.expiresAt() != null && !now.isBefore(k.expiresAt()) ? "expired" : "active";
                System.out.printf(format, k.id(), state, k.expiresAt() == null ? "never" : k.expiresAt(),
                        limits(k.quota()), describe(k));
            }
            System.out.println(keys.size() + " key" + (keys.size() == 1 ? "" : "s") + " in " + where);
            return 0;
        }

        private static String limits(Quota q) {
            List<String> parts = new ArrayList<>();
            if (q.requestsPerMinute() >= 0) {
                parts.add(q.requestsPerMinute() + " rpm");
            }
            if (q.tokensPerMinute() >= 0) {
                parts.add(q.tokensPerMinute() + " tpm");
            }
            if (q.budget() != null) {
                parts.add("$" + Money.usd(q.budget().microDollars()) + "/" + Periods.format(q.budget().period()));
            }
            return parts.isEmpty() ? "none" : String.join(", ", parts);
        }

        private static String describe(KeyRecord k) {
            String labels = k.labels().entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
            return (labels.isEmpty() ? "-" : labels) + " / " + (k.models().isEmpty() ? "any model"
                    : String.join(",", k.models().stream().sorted().toList())) + " / " + (k.routes().isEmpty()
                    ? "any route" : String.join(",", k.routes().stream().sorted().toList()));
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true,
            description = "Marks a key revoked; a gateway refuses it from its next read of the file or Redis.")
    static final class Revoke implements Callable<Integer> {
        @Mixin
        Place place;

        @Parameters(paramLabel = "ID", description = "The key's id (the part after sk-sb-, before the next -).")
        String id;

        @Override
        public Integer call() throws IOException, ConfigException {
            try (KeyStorage storage = place.open()) {
                List<KeyRecord> keys = storage.all();
                int i = find(keys, id);
                if (i < 0) {
                    System.err.println("switchboard: no key " + (VirtualKey.isId(id) ? id : "with that id") + " in "
                            + storage.where() + (id.startsWith(VirtualKey.PREFIX) ? " (give the id, not the whole key)"
                            : ""));
                    return 1;
                }
                if (keys.get(i).revoked()) {
                    System.out.println("key " + id + " was already revoked");
                    return 0;
                }
                storage.replace(keys.get(i).withRevoked());
                System.out.println("key " + id + " revoked in " + storage.where());
                return 0;
            }
        }
    }

    private static int find(List<KeyRecord> keys, String id) {
        for (int i = 0; i < keys.size(); i++) {
            if (keys.get(i).id().equals(id)) {
                return i;
            }
        }
        return -1;
    }
}
