package dev.switchboard.cli;

import dev.switchboard.core.config.Backend;
import dev.switchboard.core.config.GatewayConfig;
import dev.switchboard.core.config.HeaderMutation;
import dev.switchboard.core.http.HeaderNames;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Refuses to start a gateway that would be an open relay of a paid key: listening beyond loopback, holding provider
 * credentials, with no client authentication in front of them. Anyone who reaches the port could spend the key.
 */
final class OpenRelayCheck {
    private OpenRelayCheck() {}

    /** Why {@code c} must not start as it is, or null when it may. */
    static String refusal(GatewayConfig c) {
        if (isLoopback(c.listener().host()) || c.policies().stream().anyMatch(p -> p.kind().equals("ClientAuth"))) {
            return null;
        }
        List<String> keyed = new ArrayList<>();
        for (Backend b : c.backends()) {
            if (b.security() != null || setsCredential(b.headerMutation())) {
                keyed.add(b.name());
            }
        }
        if (keyed.isEmpty()) {
            return null;
        }
        return "refusing to serve provider credentials (backends " + String.join(", ", keyed) + ") on "
                + c.listener().host() + ", which is not a loopback address, with no client authentication: anyone who"
                + " reaches the port could spend them. Listen on 127.0.0.1, or add a ClientAuth document (virtual keys"
                + " from `switchboard keys create`, or JWTs: docs/governance.md), or start with"
                + " --allow-unauthenticated if something in front of the gateway already authenticates every client.";
    }

    private static boolean setsCredential(HeaderMutation m) {
        for (Map.Entry<String, String> e : m.set()) {
            if (HeaderNames.CLIENT_CREDENTIALS.contains(e.getKey().toLowerCase(java.util.Locale.ROOT))) {
                return true;
            }
        }
        return false;
    }

    private static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
