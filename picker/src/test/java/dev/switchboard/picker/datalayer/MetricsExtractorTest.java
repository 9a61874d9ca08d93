package dev.switchboard.picker.datalayer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class MetricsExtractorTest {

    static ModelServerMetrics extract(EngineType e, String page) {
        byte[] b = page.getBytes(StandardCharsets.UTF_8);
        return new MetricsExtractor(e).extract(b, 0, b.length);
    }

    @Test
    void vllmIncludingTheNewestLoraSeriesAndTheCacheConfig() {
        ModelServerMetrics m = extract(EngineType.VLLM, """
                vllm:num_requests_waiting{model_name="m",engine="0"} 3.0
                vllm:num_requests_running{model_name="m",engine="0"} 7.0
                vllm:kv_cache_usage_perc{model_name="m",engine="0"} 0.42
                vllm:cache_config_info{block_size="16",engine="0",num_gpu_blocks="2048"} 1.0
                vllm:lora_requests_info{max_lora="2",waiting_lora_adapters="c",running_lora_adapters="a,b"} 1.7e9
                vllm:lora_requests_info{max_lora="2",waiting_lora_adapters="",running_lora_adapters="old"} 1.6e9
                """);
        assertThat(m).isEqualTo(new ModelServerMetrics(3, 7, 0.42, 16, 2048, 2, List.of("a", "b"), List.of("c")));
    }

    @Test
    void olderVllmKvNameAndSeveralSeriesSummedOrMaxed() {
        ModelServerMetrics m = extract(EngineType.VLLM, """
                vllm:num_requests_waiting{engine="0"} 1
                vllm:num_requests_waiting{engine="1"} 2
                vllm:gpu_cache_usage_perc{engine="0"} 0.3
                vllm:gpu_cache_usage_perc{engine="1"} 0.6
                """);
        assertThat(m.waiting()).isEqualTo(3);
        assertThat(m.kvCacheUsage()).isEqualTo(0.6);
        assertThat(m.running()).isEqualTo(-1);
    }

    @Test
    void sglangTrtllmAndTriton() {
        assertThat(extract(EngineType.SGLANG, """
                sglang:num_queue_reqs{model_name="m"} 4
                sglang:num_running_reqs{model_name="m"} 9
                sglang:token_usage{model_name="m"} 0.5
                sglang:cache_config_info{page_size="32",num_pages="100"} 1
                """)).isEqualTo(new ModelServerMetrics(4, 9, 0.5, 32, 100, -1, List.of(), List.of()));
        assertThat(extract(EngineType.TRTLLM, """
                trtllm_num_requests_waiting 2
                trtllm_num_requests_running 5
                trtllm_kv_cache_utilization 0.25
                trtllm_kv_cache_tokens_per_block 64
                trtllm_kv_cache_max_blocks 500
                """)).isEqualTo(new ModelServerMetrics(2, 5, 0.25, 64, 500, -1, List.of(), List.of()));
        assertThat(extract(EngineType.TRITON, """
                nv_trt_llm_request_metrics{model="ensemble",request_type="waiting"} 6
                nv_trt_llm_request_metrics{model="ensemble",request_type="scheduled"} 8
                nv_trt_llm_request_metrics{model="ensemble",request_type="context"} 99
                nv_trt_llm_kv_cache_block_metrics{kv_cache_block_type="fraction"} 0.75
                nv_trt_llm_kv_cache_block_metrics{kv_cache_block_type="tokens_per"} 128
                nv_trt_llm_kv_cache_block_metrics{kv_cache_block_type="max"} 300
                """)).isEqualTo(new ModelServerMetrics(6, 8, 0.75, 128, 300, -1, List.of(), List.of()));
        assertThat(EngineType.of("trtllm-serve")).isEqualTo(EngineType.TRTLLM);
        assertThat(EngineType.of(null)).isEqualTo(EngineType.VLLM);
        assertThat(EngineType.of("mystery")).isNull();
    }
}
