package dev.switchboard.benchmarks;

import java.nio.charset.StandardCharsets;

/**
 * The bodies {@link TranslationBenchmark} translates: the same small conversation (a system prompt, three turns, one
 * tool) as each family's request, each backend's answer to it (a sentence and a tool call), and one streamed text
 * delta in each backend's framing, shaped as the providers' documented examples are.
 */
final class TranslationFixtures {
    private TranslationFixtures() {}

    static final String SYSTEM = "You are a concise travel assistant for a booking site. Answer in two or three"
            + " sentences, quote prices in the user's currency, and call get_weather when the user asks about"
            + " conditions at a destination.";

    static final byte[] OPENAI_REQUEST = utf8("""
            {"model":"gpt-4o-mini","messages":[
             {"role":"system","content":"%s"},
             {"role":"user","content":"I'm planning a long weekend in Lisbon in early October. Is that a good time to go, and which neighbourhoods would you suggest staying in?"},
             {"role":"assistant","content":"Early October is a lovely time for Lisbon: warm days around 24°C, fewer crowds than in summer and lower hotel prices. Alfama and Baixa are central and walkable; Príncipe Real is quieter, with good restaurants."},
             {"role":"user","content":"Great. What will the weather be like there this coming Saturday?"}],
             "tools":[{"type":"function","function":{"name":"get_weather","description":"Get the weather forecast for a city on a given date.","parameters":{"type":"object","properties":{"location":{"type":"string","description":"City and country, e.g. Lisbon, Portugal"},"date":{"type":"string","description":"ISO 8601 date"},"unit":{"type":"string","enum":["celsius","fahrenheit"]}},"required":["location","date"]}}}],
             "tool_choice":"auto","max_tokens":512,"temperature":0.7}
            """.formatted(SYSTEM));

    static final byte[] ANTHROPIC_REQUEST = utf8("""
            {"model":"claude-sonnet-4-5","max_tokens":512,"temperature":0.7,
             "system":"%s",
             "messages":[
             {"role":"user","content":"I'm planning a long weekend in Lisbon in early October. Is that a good time to go, and which neighbourhoods would you suggest staying in?"},
             {"role":"assistant","content":[{"type":"text","text":"Early October is a lovely time for Lisbon: warm days around 24°C, fewer crowds than in summer and lower hotel prices. Alfama and Baixa are central and walkable; Príncipe Real is quieter, with good restaurants."}]},
             {"role":"user","content":[{"type":"text","text":"Great. What will the weather be like there this coming Saturday?"}]}],
             "tools":[{"name":"get_weather","description":"Get the weather forecast for a city on a given date.","input_schema":{"type":"object","properties":{"location":{"type":"string","description":"City and country, e.g. Lisbon, Portugal"},"date":{"type":"string","description":"ISO 8601 date"},"unit":{"type":"string","enum":["celsius","fahrenheit"]}},"required":["location","date"]}}],
             "tool_choice":{"type":"auto"}}
            """.formatted(SYSTEM));

    static final byte[] GEMINI_REQUEST = utf8("""
            {"systemInstruction":{"parts":[{"text":"%s"}]},
             "contents":[
             {"role":"user","parts":[{"text":"I'm planning a long weekend in Lisbon in early October. Is that a good time to go, and which neighbourhoods would you suggest staying in?"}]},
             {"role":"model","parts":[{"text":"Early October is a lovely time for Lisbon: warm days around 24°C, fewer crowds than in summer and lower hotel prices. Alfama and Baixa are central and walkable; Príncipe Real is quieter, with good restaurants."}]},
             {"role":"user","parts":[{"text":"Great. What will the weather be like there this coming Saturday?"}]}],
             "tools":[{"functionDeclarations":[{"name":"get_weather","description":"Get the weather forecast for a city on a given date.","parameters":{"type":"object","properties":{"location":{"type":"string","description":"City and country, e.g. Lisbon, Portugal"},"date":{"type":"string","description":"ISO 8601 date"},"unit":{"type":"string","enum":["celsius","fahrenheit"]}},"required":["location","date"]}}]}],
             "toolConfig":{"functionCallingConfig":{"mode":"AUTO"}},
             "generationConfig":{"maxOutputTokens":512,"temperature":0.7}}
            """.formatted(SYSTEM));

    static final String ANSWER = "I'll look up Saturday's forecast for Lisbon for you.";

    static final byte[] OPENAI_RESPONSE = utf8("""
            {"id":"chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG","object":"chat.completion","created":1741570283,"model":"gpt-4o-mini-2024-07-18",
             "choices":[{"index":0,"message":{"role":"assistant","content":"%s","refusal":null,"annotations":[],
              "tool_calls":[{"id":"call_Dn2RJJSxzDm49vlVTehseJ0k","type":"function","function":{"name":"get_weather","arguments":"{\\"location\\":\\"Lisbon, Portugal\\",\\"date\\":\\"2025-10-04\\",\\"unit\\":\\"celsius\\"}"}}]},
              "logprobs":null,"finish_reason":"tool_calls"}],
             "usage":{"prompt_tokens":312,"completion_tokens":41,"total_tokens":353,"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}},
             "service_tier":"default","system_fingerprint":"fp_06737a9306"}
            """.formatted(ANSWER));

    static final byte[] ANTHROPIC_RESPONSE = utf8("""
            {"id":"msg_01Aq9w938a90dw8q","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929",
             "content":[{"type":"text","text":"%s"},
              {"type":"tool_use","id":"toolu_01A09q90qw90lq917835lq9","name":"get_weather","input":{"location":"Lisbon, Portugal","date":"2025-10-04","unit":"celsius"}}],
             "stop_reason":"tool_use","stop_sequence":null,
             "usage":{"input_tokens":312,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":41,"service_tier":"standard"}}
            """.formatted(ANSWER));

    static final byte[] GEMINI_RESPONSE = utf8("""
            {"candidates":[{"content":{"parts":[{"text":"%s"},
              {"functionCall":{"name":"get_weather","args":{"location":"Lisbon, Portugal","date":"2025-10-04","unit":"celsius"}}}],"role":"model"},
              "finishReason":"STOP","avgLogprobs":-0.0452,"index":0}],
             "usageMetadata":{"promptTokenCount":312,"candidatesTokenCount":41,"totalTokenCount":353,"promptTokensDetails":[{"modality":"TEXT","tokenCount":312}]},
             "modelVersion":"gemini-2.0-flash","responseId":"Wq3vaNfQBs2xz7IPk9ySsQ4"}
            """.formatted(ANSWER));

    static final byte[] BEDROCK_RESPONSE = utf8("""
            {"output":{"message":{"role":"assistant","content":[{"text":"%s"},
              {"toolUse":{"toolUseId":"tooluse_kZJMlvQmRJ6eAyJE5GIl7Q","name":"get_weather","input":{"location":"Lisbon, Portugal","date":"2025-10-04","unit":"celsius"}}}]}},
             "stopReason":"tool_use","usage":{"inputTokens":312,"outputTokens":41,"totalTokens":353},"metrics":{"latencyMs":812}}
            """.formatted(ANSWER));

    /** The text of each streamed delta: a few tokens, as providers send them. */
    static final String DELTA = " forecast for Lisbon";

    static final byte[] OPENAI_CHUNK = utf8("data: {\"id\":\"chatcmpl-123\",\"object\":\"chat.completion.chunk\","
            + "\"created\":1694268190,\"model\":\"gpt-4o-mini\",\"system_fingerprint\":\"fp_44709d6fcb\",\"choices\":"
            + "[{\"index\":0,\"delta\":{\"content\":\"" + DELTA + "\"},\"logprobs\":null,\"finish_reason\":null}]}\n\n");

    static final byte[] ANTHROPIC_STREAM_START = utf8("""
            event: message_start
            data: {"type":"message_start","message":{"id":"msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY","type":"message","role":"assistant","content":[],"model":"claude-sonnet-4-5","stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":25,"output_tokens":1}}}

            event: content_block_start
            data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

            """);

    static final byte[] ANTHROPIC_CHUNK = utf8("event: content_block_delta\ndata: {\"type\":\"content_block_delta\","
            + "\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"" + DELTA + "\"}}\n\n");

    static final byte[] GEMINI_CHUNK = utf8("data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"" + DELTA
            + "\"}],\"role\": \"model\"},\"index\": 0}],\"usageMetadata\": {\"promptTokenCount\": 312,"
            + "\"candidatesTokenCount\": 12,\"totalTokenCount\": 324},\"modelVersion\": \"gemini-2.0-flash\","
            + "\"responseId\": \"Wq3vaNfQBs2xz7IPk9ySsQ4\"}\r\n\r\n");

    static final byte[] BEDROCK_MESSAGE_START = utf8("{\"p\":\"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0\","
            + "\"role\":\"assistant\"}");

    static final byte[] BEDROCK_DELTA = utf8("{\"contentBlockIndex\":0,\"delta\":{\"text\":\"" + DELTA + "\"},"
            + "\"p\":\"abcdefghijklmnopqrstuvwxyzABCDEFGH\"}");

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
