package dev.switchboard.extproc.service;

import dev.switchboard.picker.pool.Decision;
import dev.switchboard.picker.pool.Endpoint;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The endpoints a pick sends Envoy, best first: the picker's choice, then fallbacks for Envoy's retries (it walks
 * the list in order), up to a total that the processor's settings give.
 */
final class Destinations {
    private Destinations() {}

    /** The picked endpoints first, then the fallbacks, without repeats, at most {@code max}. */
    static List<Endpoint> of(Decision d, int max) {
        Set<Endpoint> out = new LinkedHashSet<>();
        for (Endpoint e : d.picked()) {
            if (out.size() < max) {
                out.add(e);
            }
        }
        for (Endpoint e : d.fallbacks()) {
            if (out.size() < max) {
                out.add(e);
            }
        }
        return new ArrayList<>(out);
    }

    /** The header and metadata value: {@code ip:port,ip:port,...}. */
    static String header(List<Endpoint> endpoints) {
        StringBuilder b = new StringBuilder(endpoints.size() * 22);
        for (Endpoint e : endpoints) {
            if (!b.isEmpty()) {
                b.append(',');
            }
            b.append(e.address());
        }
        return b.toString();
    }
}
