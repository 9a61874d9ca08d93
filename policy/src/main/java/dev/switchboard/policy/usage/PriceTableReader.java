package dev.switchboard.policy.usage;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.config.ConfigException;
import dev.switchboard.core.config.Fields;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads the {@code spec} of a {@code PriceTable} document ({@code switchboard.dev/v1alpha1}). Prices are US dollars
 * per million tokens, written as strings or numbers and read exactly (no floating point): {@code "2.50"} becomes
 * 2,500,000 micro-dollars per million; more than six decimals is an error, not a silent rounding.
 *
 * <pre>{@code
 * apiVersion: switchboard.dev/v1alpha1
 * kind: PriceTable
 * metadata:
 *   name: provider-prices
 * spec:
 *   currency: USD                # the only one; written so a reader of the file knows
 *   models:
 *     - name: gpt-4o             # an exact model name (as the client sends it, after any rewrite)
 *       input: "2.50"            # $ per 1M uncached input tokens
 *       output: "10.00"          # $ per 1M output tokens (reasoning included)
 *       cachedInput: "1.25"      # $ per 1M cached input tokens; absent = the input price
 *     - prefix: gpt-4o-mini      # every model whose name starts so (dated snapshots); the longest prefix wins,
 *       input: 0.15              # an exact name beats any prefix
 *       output: 0.60
 *     - prefix: llama-           # self-hosted: free, but still counted against token limits
 *       input: 0
 *       output: 0
 * }</pre>
 *
 * <p>Envoy AI Gateway has no price table: its {@code llmRequestCosts} ({@code metadataKey}, {@code type}:
 * {@code InputToken}, {@code OutputToken}, {@code TotalToken}, {@code CachedInputToken}, {@code CEL}) name which
 * token count a rate limit subtracts, and a CEL expression is how a user writes money there. The token types map
 * onto what a {@code RateLimitPolicy} token limit counts (see {@code RateLimitPolicyReader}); CEL does not map: write
 * its coefficients here as prices. A {@code llmRequestCosts} field in this kind is refused with that advice.
 */
public final class PriceTableReader {
    private PriceTableReader() {}

    public static PriceTable read(Fields spec) throws ConfigException {
        if (spec.has("llmRequestCosts")) {
            throw spec.error("llmRequestCosts", "is Envoy AI Gateway's list of token counts, which has no prices; in a"
                    + " PriceTable write each model's prices (models: [{name, input, output, cachedInput}]), and put the"
                    + " token type (TotalToken, InputToken, OutputToken) on a RateLimitPolicy's tokens limit");
        }
        spec.only("currency", "models");
        String currency = spec.optionalString("currency", "USD");
        if (!currency.equals("USD")) {
            throw spec.error("currency", "only USD is supported (budgets are micro-dollars), got '" + currency + "'");
        }
        Map<String, Price> exact = new HashMap<>();
        Map<String, Price> prefixes = new HashMap<>();
        spec.list("models", m -> {
            m.only("name", "prefix", "input", "output", "cachedInput");
            if (m.has("name") == m.has("prefix")) {
                throw m.error("expected exactly one of name (an exact model name) or prefix (a name prefix)");
            }
            long input = price(m, "input", null);
            Price price = new Price(input, price(m, "output", null), price(m, "cachedInput", input));
            boolean isExact = m.has("name");
            String key = m.string(isExact ? "name" : "prefix");
            if ((isExact ? exact : prefixes).putIfAbsent(key, price) != null) {
                throw m.error(isExact ? "name" : "prefix", "'" + key + "' is priced twice");
            }
            return price;
        });
        return new PriceTable(exact, prefixes);
    }

    /** A price in dollars per million at {@code field}; {@code dflt} (micro-dollars) when absent, required if null. */
    private static long price(Fields f, String field, Long dflt) throws ConfigException {
        JsonNode v = f.node().get(field);
        if (v == null || v.isNull()) {
            if (dflt == null) {
                throw f.error(field, "required: US dollars per million tokens, like \"2.50\"");
            }
            return dflt;
        }
        BigDecimal dollars;
        try {
            dollars = v.isNumber() ? v.decimalValue() : v.isTextual() ? new BigDecimal(v.asText().trim()) : null;
        } catch (NumberFormatException e) {
            dollars = null;
        }
        if (dollars == null) {
            throw f.error(field, "expected US dollars per million tokens, like \"2.50\", got " + v);
        }
        try {
            return Price.microsPerMillion(dollars);
        } catch (IllegalArgumentException e) {
            throw f.error(field, e.getMessage());
        }
    }
}
