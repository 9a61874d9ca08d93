package dev.switchboard.picker.pool;

import dev.switchboard.core.config.ConfigException;
import dev.switchboard.core.config.PoolConfig;
import dev.switchboard.picker.config.EndpointPickerConfigLoader;
import dev.switchboard.picker.config.EndpointPickerConfig;
import dev.switchboard.picker.flowcontrol.UtilizationDetector;
import dev.switchboard.picker.scheduling.SchedulingProfile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The scheduling profile an InferencePool's {@code endpointPickerRef} names. */
public final class PoolProfiles {
    private static final Logger LOG = LoggerFactory.getLogger(PoolProfiles.class);

    private PoolProfiles() {}

    /**
     * A new picker configuration for {@code pool} (profile, saturation detector, flow control): its
     * EndpointPickerConfig document, else the built-in profile of that name, else the default.
     *
     * @throws ConfigException when the document is invalid
     */
    public static EndpointPickerConfig build(PoolConfig pool) throws ConfigException {
        PoolConfig.PickerRef ref = pool.picker();
        if (ref == null) {
            return EndpointPickerConfigLoader.defaultConfig();
        }
        if (ref.document() != null) {
            return EndpointPickerConfigLoader.load(ref.document());
        }
        SchedulingProfile builtIn = EndpointPickerConfigLoader.builtIn(ref.name());
        if (builtIn == null) {
            // Kubernetes resources name their EPP Service here; they must load unchanged, so this is no error
            LOG.info("InferencePool {}: endpointPickerRef '{}' names no EndpointPickerConfig document and no built-in"
                    + " profile ({}); using the default profile", pool.name(), ref.name(),
                    String.join(", ", EndpointPickerConfigLoader.builtInNames()));
            return EndpointPickerConfigLoader.defaultConfig();
        }
        return new EndpointPickerConfig(builtIn, UtilizationDetector.defaults(), null);
    }

    /** Whether two pools name the same picker configuration, so a reload can keep the one running and what it learned. */
    public static boolean samePicker(PoolConfig a, PoolConfig b) {
        PoolConfig.PickerRef x = a.picker();
        PoolConfig.PickerRef y = b.picker();
        if (x == null || y == null) {
            return x == y;
        }
        return x.name().equals(y.name()) && (x.document() == null ? y.document() == null
                : y.document() != null && x.document().node().equals(y.document().node()));
    }
}
