package dev.switchboard.gateway.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.model.UsageTail;
import dev.switchboard.gateway.handler.RequestInfo;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class GatewayMetricsTest {
    static final Pattern MODEL_LABEL = Pattern.compile("gen_ai_request_model=\"([^\"]*)\"");

    static void request(GatewayMetrics metrics, String model) {
        metrics.request(new RequestInfo("r", "/v1/chat/completions", model, true, 0, 0, 0, true, 0, 0, 10),
                AccessLogTest.ATTEMPT, 200, 2_000_000, 1_000_000, new UsageTail.Usage(10, 5, 0));
    }

    static Set<String> modelLabels(GatewayMetrics metrics) {
        Set<String> found = new TreeSet<>();
        Matcher m = MODEL_LABEL.matcher(new String(metrics.scrape(), StandardCharsets.UTF_8));
        while (m.find()) {
            found.add(m.group(1));
        }
        return found;
    }

    @Test
    void clientModelStringsOnACatchAllRouteMakeABoundedNumberOfSeries() {
        GatewayMetrics metrics = new GatewayMetrics();
        metrics.configuredModels(List.of("llama", "qwen"));
        for (int i = 0; i < 1000; i++) {
            request(metrics, "client-model-" + i);
        }
        request(metrics, "llama");
        request(metrics, "qwen");

        Set<String> labels = modelLabels(metrics);
        assertThat(labels).hasSize(ModelLabels.MAX_UNLISTED + 1 + 2)
                .contains("llama", "qwen", ModelLabels.OTHER, "client-model-0", "client-model-99")
                .doesNotContain("client-model-100", "client-model-999");
    }

    @Test
    void aModelConfiguredByAReloadLabelsAsItselfAfterTheCapIsReached() {
        GatewayMetrics metrics = new GatewayMetrics();
        metrics.configuredModels(List.of("llama"));
        for (int i = 0; i < ModelLabels.MAX_UNLISTED + 10; i++) {
            request(metrics, "client-model-" + i);
        }
        request(metrics, "late");
        assertThat(modelLabels(metrics)).doesNotContain("late");

        metrics.configuredModels(List.of("llama", "late"));
        request(metrics, "late");
        request(metrics, "llama");
        request(metrics, "client-model-0"); // admitted before: keeps its value
        assertThat(modelLabels(metrics)).contains("late", "llama", "client-model-0", ModelLabels.OTHER);
    }

    @Test
    void theAccessLogsDroppedLinesAreACounter() {
        GatewayMetrics metrics = new GatewayMetrics();
        metrics.accessLogDropped(() -> 7);
        assertThat(new String(metrics.scrape(), StandardCharsets.UTF_8))
                .contains("# TYPE switchboard_access_log_dropped_total counter", "switchboard_access_log_dropped_total 7.0");
    }
}
