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
    void aSeriesAppearsOnlyOnceSomethingWasObservedInIt() {
        GatewayMetrics metrics = new GatewayMetrics();
        metrics.request(new RequestInfo("r", "/v1/embeddings", "e", false, 0, 0, 0, true, 0, 0, 10),
                AccessLogTest.ATTEMPT, 200, 2_000_000, -1, null);
        metrics.request(new RequestInfo("r", "/v1/chat/completions", "m", true, 0, 0, 0, true, 0, 0, 10),
                AccessLogTest.ATTEMPT, 502, 2_000_000, -1, null);
        String page = new String(metrics.scrape(), StandardCharsets.UTF_8);
        assertThat(page).contains(
                "gen_ai_server_request_duration_seconds_count{gen_ai_operation_name=\"embeddings\",gen_ai_provider_name=\"openai\",gen_ai_request_model=\"e\","
                        + "http_response_status_code=\"200\",switchboard_backend=\"backend-a\"} 1",
                "gen_ai_server_request_duration_seconds_count{gen_ai_operation_name=\"chat\",gen_ai_provider_name=\"openai\",gen_ai_request_model=\"m\","
                        + "http_response_status_code=\"502\",switchboard_backend=\"backend-a\"} 1")
                .doesNotContain("gen_ai_server_time_to_first_token_seconds_count", "gen_ai_client_token_usage_count",
                        "gen_ai_server_time_per_output_token_seconds_count");

        request(metrics, "m");
        request(metrics, "m");
        assertThat(new String(metrics.scrape(), StandardCharsets.UTF_8)).contains(
                "gen_ai_server_time_to_first_token_seconds_count{gen_ai_operation_name=\"chat\",gen_ai_provider_name=\"openai\",gen_ai_request_model=\"m\","
                        + "switchboard_backend=\"backend-a\"} 2",
                "gen_ai_client_token_usage_count{gen_ai_operation_name=\"chat\",gen_ai_provider_name=\"openai\",gen_ai_request_model=\"m\","
                        + "gen_ai_token_type=\"output\",switchboard_backend=\"backend-a\"} 2",
                "gen_ai_server_time_per_output_token_seconds_count{gen_ai_operation_name=\"chat\",gen_ai_provider_name=\"openai\",gen_ai_request_model=\"m\","
                        + "switchboard_backend=\"backend-a\"} 2");
    }

    @Test
    void authenticatedRequestsCountByTeamAndUserWithABoundedNumberOfValues() {
        GatewayMetrics metrics = new GatewayMetrics();
        for (int i = 0; i < GatewayMetrics.MAX_PRINCIPAL_VALUES + 5; i++) {
            var p = new dev.switchboard.policy.Principal("k" + i, dev.switchboard.policy.Principal.Source.VIRTUAL_KEY,
                    java.util.Map.of("team", i < 3 ? "search" : "team-" + i), java.util.Set.of(), java.util.Set.of(),
                    dev.switchboard.policy.Quota.NONE);
            metrics.request(new RequestInfo("r", "/v1/chat/completions", "m", false, 0, 0, 0, true, 0, 0, 10, p),
                    null, 200, 1_000_000, -1, new dev.switchboard.core.model.UsageTail.Usage(10, 4, 0));
        }
        String page = new String(metrics.scrape(), StandardCharsets.UTF_8);
        assertThat(page).contains("switchboard_principal_requests_total{status=\"200\",team=\"search\",user=\"\"} 3.0")
                .contains("switchboard_principal_tokens_total{team=\"search\",type=\"input\",user=\"\"} 30.0")
                .contains("switchboard_principal_tokens_total{team=\"search\",type=\"output\",user=\"\"} 12.0")
                .contains("team=\"other\"");
        assertThat(page.lines().filter(l -> l.startsWith("switchboard_principal_requests_total{")).count())
                .as("at most the cap's values and 'other'").isEqualTo(GatewayMetrics.MAX_PRINCIPAL_VALUES + 1);
        metrics.request(new RequestInfo("r", "/v1/chat/completions", "m", false, 0, 0, 0, true, 0, 0, 10), null, 200,
                1, -1, null);
        assertThat(new String(metrics.scrape(), StandardCharsets.UTF_8)).as("anonymous requests are not counted")
                .contains("switchboard_principal_requests_total{status=\"200\",team=\"search\",user=\"\"} 3.0");
    }

    @Test
    void theAccessLogsDroppedLinesAreACounter() {
        GatewayMetrics metrics = new GatewayMetrics();
        metrics.accessLogDropped(() -> 7);
        assertThat(new String(metrics.scrape(), StandardCharsets.UTF_8))
                .contains("# TYPE switchboard_access_log_dropped_total counter", "switchboard_access_log_dropped_total 7.0");
    }
}
