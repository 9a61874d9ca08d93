package dev.switchboard.core.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Loads a set of resources the way a cluster needs: a bad resource is reported and left out, and the rest still
 * load (a file, by contrast, is all or nothing). Each failure that names its document removes that document and the
 * load is tried again, so a route that refers to a bad pool goes too, with its own reason. A failure that names no
 * document (two Gateways to choose from, say) fails the whole load: the caller keeps the configuration it has.
 */
public final class SkippingLoader {
    /** What a later stage checks of a loaded configuration (the policies built from it); may name a document. */
    @FunctionalInterface
    public interface Check {
        void check(GatewayConfig config) throws ConfigException;
    }

    /** The configuration of the resources that loaded, and why each left-out one was (by its index in the set). */
    public record Result(GatewayConfig config, Map<Integer, String> rejected) {
        public Result {
            rejected = Collections.unmodifiableMap(new LinkedHashMap<>(rejected));
        }
    }

    private SkippingLoader() {}

    public static Result load(List<ConfigDocument> set, String source, LoadOptions options, Check check)
            throws ConfigException {
        List<ConfigDocument> remaining = new ArrayList<>(set);
        Map<Integer, String> rejected = new LinkedHashMap<>();
        while (true) {
            try {
                GatewayConfig config = ConfigLoader.build(remaining, source, options);
                check.check(config);
                return new Result(config, rejected);
            } catch (ConfigException e) {
                int at = e.document();
                if (at < 0 || at >= remaining.size() || remaining.get(at).json() == null) {
                    throw e;
                }
                rejected.put(at, e.getMessage());
                ConfigDocument bad = remaining.get(at);
                remaining.set(at, new ConfigDocument(null, bad.origin())); // kept in place: indices stay the set's
            }
        }
    }
}
