package dev.switchboard.picker.config;

import dev.switchboard.core.config.ConfigException;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Every plugin type a configuration may use: the built-ins of {@link InTreePlugins}, then those of each
 * {@link PluginProvider} on the class path. Immutable.
 */
final class PluginRegistry {
    /*
     * Built-ins are an explicit list (grep-able, deterministic); the service loader is only for third-party jars,
     * as grpc-java's LoadBalancerRegistry does. A type registered twice fails the load naming both registrants:
     * letting one win would make the behaviour depend on class-path order. The class path's providers are looked up
     * once (ServiceLoader is not cheap) and the outcome, registry or error, is kept for every later load.
     */

    /** How error messages name the built-in plugins. */
    static final String IN_TREE = "the built-in plugins (" + InTreePlugins.class.getName() + ")";
    private static final Pattern KEBAB = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");

    private final Map<String, PluginFactory> factories;

    private PluginRegistry(Map<String, PluginFactory> factories) {
        this.factories = Collections.unmodifiableMap(factories);
    }

    /** The built-in plugins only. */
    static PluginRegistry inTree() {
        Map<String, PluginFactory> out = new TreeMap<>();
        for (String type : InTreePlugins.types()) {
            out.put(type, InTreePlugins.factory(type)::create);
        }
        return new PluginRegistry(out);
    }

    /** The built-ins plus {@code providers}, in order; fails on a malformed or already taken type. */
    static PluginRegistry of(Iterable<? extends PluginProvider> providers) throws ConfigException {
        Map<String, PluginFactory> out = new TreeMap<>(inTree().factories);
        Map<String, String> owners = new TreeMap<>();
        for (PluginProvider p : providers) {
            Map<String, PluginFactory> plugins = p.plugins();
            if (plugins == null) {
                throw new ConfigException("picker plugin provider " + p.name() + " returned no plugin map");
            }
            for (Map.Entry<String, PluginFactory> e : new TreeMap<>(plugins).entrySet()) {
                String type = e.getKey();
                if (!KEBAB.matcher(type).matches()) {
                    throw new ConfigException("picker plugin provider " + p.name() + " registers type '" + type
                            + "': expected a kebab-case name such as my-scorer");
                }
                if (e.getValue() == null) {
                    throw new ConfigException("picker plugin provider " + p.name() + " registers type '" + type
                            + "' without a factory");
                }
                if (out.containsKey(type)) {
                    throw new ConfigException("picker plugin type '" + type + "' of provider " + p.name()
                            + " is already registered by " + owners.getOrDefault(type, IN_TREE)
                            + "; a type can be registered once");
                }
                out.put(type, e.getValue());
                owners.put(type, "provider " + p.name());
            }
        }
        return new PluginRegistry(out);
    }

    /** The built-ins plus every provider on the class path (found once). */
    static PluginRegistry standard() throws ConfigException {
        Object loaded = ClassPath.LOADED;
        if (loaded instanceof ConfigException e) {
            throw new ConfigException(e.getMessage(), e);
        }
        return (PluginRegistry) loaded;
    }

    /** Holder: the class path is searched when a configuration first needs it. */
    private static final class ClassPath {
        static final Object LOADED = load();

        private static Object load() {
            try {
                List<PluginProvider> providers = ServiceLoader.load(PluginProvider.class,
                        PluginRegistry.class.getClassLoader()).stream().map(ServiceLoader.Provider::get).toList();
                return of(providers);
            } catch (ConfigException e) {
                return e;
            } catch (ServiceConfigurationError e) {
                return new ConfigException("cannot load a picker plugin provider: " + e.getMessage(), e);
            }
        }
    }

    /** The factory for {@code type}, or null when none is registered. */
    PluginFactory factory(String type) {
        return factories.get(type);
    }

    Set<String> types() {
        return factories.keySet();
    }
}
