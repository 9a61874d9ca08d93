package dev.switchboard.policy.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.switchboard.core.config.ConfigException;
import dev.switchboard.core.config.Fields;
import dev.switchboard.policy.Quota;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RateLimitPolicyReaderTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    static RateLimitPolicy read(String yaml) throws Exception {
        return RateLimitPolicyReader.read(new Fields(YAML.readTree(yaml), "limits.yaml", "spec"));
    }

    @Test
    void readsTheDocumentedExample() throws Exception {
        RateLimitPolicy p = read("""
                minOutputTokens: 16
                defaultMaxOutputTokens: 4096
                ticketLifetime: 15m
                principalDefaults:
                  requestsPerMinute: 60
                  tokensPerMinute: 100k
                  budget: {amount: "5.00", period: 1d}
                models:
                  - name: gpt-4o
                    requestsPerMinute: 500
                    tokensPerMinute: 2M
                    tokenType: TotalToken
                    budget: {amount: "200", period: 30d}
                  - prefix: claude-
                    tokensPerMinute: 1000
                    tokenType: OutputToken
                routes:
                  - name: batch
                    tokensPerMinute: 500k
                store:
                  redis:
                    host: 127.0.0.1
                    port: 6379
                    password: {env: REDIS_PASSWORD}
                    commandTimeout: 100ms
                    keyPrefix: "switchboard:"
                """);
        assertThat(p.principalDefaults()).isEqualTo(new Quota(60, 100_000, new Quota.Budget(5_000_000, Duration.ofDays(1))));
        assertThat(p.models()).containsExactly(
                new RateLimitPolicy.ScopeLimits("gpt-4o", false,
                        new Quota(500, 2_000_000, new Quota.Budget(200_000_000, Duration.ofDays(30))), TokenType.TOTAL),
                new RateLimitPolicy.ScopeLimits("claude-", true, new Quota(-1, 1000, null), TokenType.OUTPUT));
        assertThat(p.routes()).containsExactly(
                new RateLimitPolicy.ScopeLimits("batch", false, new Quota(-1, 500_000, null), TokenType.TOTAL));
        assertThat(p.redis()).isEqualTo(new RateLimitPolicy.RedisStore("127.0.0.1", 6379, "REDIS_PASSWORD",
                Duration.ofMillis(100), "switchboard:"));
        assertThat(p.ticketLifetime()).isEqualTo(Duration.ofMinutes(15));
    }

    @Test
    void anEmptySpecIsTheDefault() throws Exception {
        assertThat(read("{}")).isEqualTo(RateLimitPolicy.DEFAULT);
    }

    @Test
    void errorsNameTheFieldAndWhatIsExpected() {
        assertThatThrownBy(() -> read("models: [{name: a, tokenType: CEL}]")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("spec.models[0].tokenType: expected TotalToken, InputToken or OutputToken")
                .hasMessageContaining("PriceTable");
        assertThatThrownBy(() -> read("models: [{name: a}, {name: a}]"))
                .hasMessageContaining("spec.models[1].name: 'a' has limits twice");
        assertThatThrownBy(() -> read("routes: [{prefix: a}]")).hasMessageContaining("spec.routes[0].prefix: unknown field");
        assertThatThrownBy(() -> read("principalDefaults: {budget: {amount: 1.0000001, period: 1d}}"))
                .hasMessageContaining("spec.principalDefaults.budget.amount: expected US dollars with at most 6 decimals");
        assertThatThrownBy(() -> read("principalDefaults: {budget: {amount: 1, period: monthly}}"))
                .hasMessageContaining("spec.principalDefaults.budget.period: expected a duration like 1d, 30d,");
        assertThatThrownBy(() -> read("minOutputTokens: 0")).hasMessageContaining("spec.minOutputTokens");
        assertThatThrownBy(() -> read("store: {redis: {password: hunter2}}"))
                .hasMessageContaining("spec.store.redis.password: expected {env: VARIABLE}")
                .hasMessageNotContaining("hunter2");
    }
}
