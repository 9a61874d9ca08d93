package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.core.config.ConfigLoader;
import dev.switchboard.gateway.server.GatewayServer;
import dev.switchboard.sim.server.SimServer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What the admin port tells an operator about the approximate prefix index: per endpoint, the prompt tokens the picks
 * expected cached against those the answers' usage reported, and the answers sent for a prefix the server had
 * evicted behind the gateway's back (false hits).
 */
class PrefixEstimateIT {
    @Test
    void anEvictionTheGatewayDidNotSeeShowsAsAFalseHitOnTheAdminPort() throws Exception {
        try (SimServer sims = PreciseKvEventsIT.smallCacheSims()) {
            String yaml = PreciseKvEventsIT.poolGateway("""
                    apiVersion: llm-d.ai/v1alpha1
                    kind: EndpointPickerConfig
                    metadata: {name: picker}
                    plugins:
                    - type: prefix-cache-scorer
                    - type: max-score-picker
                    schedulingProfiles:
                    - name: default
                      plugins:
                      - {pluginRef: prefix-cache-scorer}
                      - {pluginRef: max-score-picker}
                    """, sims);
            try (GatewayServer gateway = GatewayServer.start(ConfigLoader.parse(yaml, "estimate.yaml"), 1)) {
                String messages = PreciseKvEventsIT.messages("the lighthouse keeper's account of the long winter", 150);
                int home = PreciseKvEventsIT.served(gateway.port(), messages);
                String endpoint = "127.0.0.1:" + home;
                assertThat(PreciseKvEventsIT.served(gateway.port(), messages)).as("back to its home").isEqualTo(home);
                await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                    String page = metrics(gateway.adminPort());
                    assertThat(value(page, "switchboard_endpoint_prefix_estimated_tokens_total", endpoint))
                            .as("the second answer was expected mostly cached").isPositive();
                    assertThat(value(page, "switchboard_endpoint_prefix_reported_tokens_total", endpoint))
                            .as("and it was").isPositive();
                    assertThat(value(page, "switchboard_endpoint_prefix_false_hits_total", endpoint)).isZero();
                });

                // other prompts sent straight to the home server fill its small cache; the gateway never saw them
                for (int i = 0; i < 40; i++) {
                    PreciseKvEventsIT.direct(home, PreciseKvEventsIT.messages("filler number " + i
                            + " about the tides and the wind that night", 150));
                }
                assertThat(PreciseKvEventsIT.served(gateway.port(), messages))
                        .as("the index still believes the home warm").isEqualTo(home);
                await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                    String page = metrics(gateway.adminPort());
                    assertThat(value(page, "switchboard_endpoint_prefix_false_hits_total", endpoint))
                            .as("sent for a prefix the server had evicted").isEqualTo(1);
                    assertThat(value(page, "switchboard_endpoint_prefix_estimated_tokens_total", endpoint))
                            .isGreaterThan(value(page, "switchboard_endpoint_prefix_reported_tokens_total", endpoint));
                    assertThat(value(page, "switchboard_endpoint_prefix_prompt_tokens_total", endpoint))
                            .as("three answers' prompts")
                            .isGreaterThan(value(page, "switchboard_endpoint_prefix_estimated_tokens_total", endpoint));
                });
            }
        }
    }

    static String metrics(int adminPort) throws Exception {
        return PreciseKvEventsIT.HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort
                + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    /** The value of {@code name}'s series for {@code endpoint}, or -1 when the page has none. */
    static double value(String page, String name, String endpoint) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{[^}]*endpoint=\"" + Pattern.quote(endpoint)
                + "\"[^}]*\\} (\\S+)$").matcher(page);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }
}
