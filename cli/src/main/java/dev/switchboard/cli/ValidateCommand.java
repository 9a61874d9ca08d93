package dev.switchboard.cli;

import dev.switchboard.core.config.ConfigException;
import dev.switchboard.core.config.ConfigLoader;
import dev.switchboard.core.config.GatewayConfig;
import dev.switchboard.core.config.PoolConfig;
import dev.switchboard.picker.pool.PoolProfiles;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code switchboard validate FILE}: loads a configuration the way {@code run} would, and says what is wrong. */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = "Checks a gateway configuration file; prints its routes, or the first problem with its location.")
final class ValidateCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "The configuration file (YAML).")
    Path file;

    @Override
    public Integer call() {
        try {
            GatewayConfig c = ConfigLoader.load(file);
            for (PoolConfig p : c.pools()) {
                PoolProfiles.build(p); // the picker configuration (EndpointPickerConfig), read as a pool would
            }
            System.out.printf("%s: ok: %d rule%s, %d backend%s, %d InferencePool%s, listening on %s:%d%n", file,
                    c.rules().size(), c.rules().size() == 1 ? "" : "s", c.backends().size(),
                    c.backends().size() == 1 ? "" : "s", c.pools().size(), c.pools().size() == 1 ? "" : "s",
                    c.listener().host(), c.listener().port());
            return 0;
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            return 1;
        }
    }
}
