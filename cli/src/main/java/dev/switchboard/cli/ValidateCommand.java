package dev.switchboard.cli;

import dev.switchboard.core.config.Backend;
import dev.switchboard.core.config.ConfigException;
import dev.switchboard.core.config.ConfigLoader;
import dev.switchboard.core.config.GatewayConfig;
import dev.switchboard.core.config.PolicyDocument;
import dev.switchboard.core.config.SecurityPolicy;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code switchboard validate FILE}: loads a configuration the way {@code run} would, and says what is wrong. */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = "Checks a gateway configuration file; prints its routes, or the first problem with its location.")
final class ValidateCommand implements Callable<Integer> {
    /**
     * Where a backend's credential comes from, and whether it is there: names only, never a value (a variable that
     * is not set is said so, since the gateway would refuse to start with it).
     */
    static String credentials(Backend b) {
        SecurityPolicy p = b.security();
        String where = switch (p.type()) {
            case API_KEY, ANTHROPIC_API_KEY, AZURE_API_KEY -> describe(p.apiKey());
            case AWS_CREDENTIALS -> "SigV4 for " + p.aws().region() + (p.aws().credentialsFile() != null
                    ? " from " + p.aws().credentialsFile() + " [" + p.aws().profile() + "]" : " from the default chain");
            case GCP_CREDENTIALS -> "Google tokens for " + p.gcp().projectName() + "/" + p.gcp().region() + " from "
                    + (p.gcp().credentialsFile() != null ? p.gcp().credentialsFile() : "GOOGLE_APPLICATION_CREDENTIALS"
                    + (System.getenv("GOOGLE_APPLICATION_CREDENTIALS") == null ? " (not set)" : ""));
            case AZURE_CREDENTIALS -> "Entra tokens for " + p.azure().clientId() + " with a secret from "
                    + describe(p.azure().clientSecret());
        };
        return "backend " + b.name() + " (" + b.schema().name().configName() + "): " + p.type().configName + ", "
                + where;
    }

    private static String describe(SecurityPolicy.Secret s) {
        return s.env() != null ? "variable " + s.env() + (System.getenv(s.env()) == null ? " (not set)" : "")
                : "file " + s.file();
    }

    @Parameters(paramLabel = "FILE", description = "The configuration file (YAML).")
    Path file;

    @Override
    public Integer call() {
        try {
            GatewayConfig c = ConfigLoader.load(file);
            ConfigChecks.check(c);
            System.out.printf("%s: ok: %d rule%s, %d backend%s, %d InferencePool%s, listening on %s:%d%n", file,
                    c.rules().size(), c.rules().size() == 1 ? "" : "s", c.backends().size(),
                    c.backends().size() == 1 ? "" : "s", c.pools().size(), c.pools().size() == 1 ? "" : "s",
                    c.listener().host(), c.listener().port());
            for (Backend b : c.backends()) {
                if (b.security() != null) {
                    System.out.println("  " + credentials(b));
                }
            }
            for (PolicyDocument d : c.policies()) {
                System.out.println("  " + d.kind() + " '" + d.name() + "'");
            }
            for (String note : c.notes()) {
                System.out.println("  note: " + note);
            }
            return 0;
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            return 1;
        }
    }
}
