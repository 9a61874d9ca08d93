package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PickerBenchCommandTest {
    @TempDir
    Path dir;

    static CliRun run(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "bench-picker";
        System.arraycopy(args, 0, all, 1, args.length);
        return CliRun.of(all);
    }

    @Test
    void comparesABuiltInProfileWithOneFromAFileOnALiveSimulatedPool() throws Exception {
        Path mine = dir.resolve("mine.yaml");
        Files.writeString(mine, """
                apiVersion: llm-d.ai/v1alpha1
                kind: EndpointPickerConfig
                metadata: {name: sticky-prefix}
                plugins: [{type: prefix-cache-scorer}, {type: max-score-picker}]
                schedulingProfiles: [{name: default, plugins: [{pluginRef: prefix-cache-scorer}, {pluginRef: max-score-picker}]}]
                """);
        CliRun r = run("--profiles", "round-robin," + mine, "--endpoints", "2", "--rate", "8",
                "--stage-duration", "2s", "--groups", "2", "--prompts-per-group", "2", "--system-tokens", "256",
                "--question-tokens", "32", "--output-tokens", "4", "--time-scale", "20", "--slo", "10s",
                "--slow-endpoints", "1", "--slowdown", "3");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("pool: 2 simulated h100-8b servers (1 of them 3.0x slower)");
        // each profile's endpoint table, read from the gateway's metrics: the slow server first, every request counted
        String models = r.out().substring(r.out().indexOf("what the TTFT model learned"));
        assertThat(models.lines().filter(l -> l.startsWith("sim-")).map(l -> l.split("\\s+")[1]).limit(2))
                .containsExactly("3.0", "1.0");
        assertThat(models).containsPattern("TTFT prediction error over \\d+ predicted requests: (\\d+|NaN)%");
        // and from the servers' own metrics: every finished request on one of the two, each server's mean TTFT
        assertThat(models.lines().skip(1).findFirst().orElseThrow()).contains("requests", "hits", "est", "false",
                "ttft avg");
        List<String[]> servers = models.lines().filter(l -> l.startsWith("sim-")).limit(2).map(l -> l.split("\\s+"))
                .toList();
        assertThat(servers.stream().mapToDouble(f -> Double.parseDouble(f[6].replace("%", ""))).sum())
                .isCloseTo(100, org.assertj.core.api.Assertions.within(0.2));
        assertThat(servers).allSatisfy(f -> assertThat(f[10]).matches("\\d+ms"));
        String knees = r.out().substring(r.out().indexOf("== knee throughput: the highest rate with TTFT p90 <= 10000 ms"));
        // the one stage, well within 10 s and with nothing failed, is each profile's knee
        assertThat(knees.lines().filter(l -> l.contains("[")).toList())
                .containsExactly("round-robin      [8]                          8",
                        "sticky-prefix    [8]                          8");
        String all = r.out().substring(r.out().indexOf("== all profiles =="), r.out().indexOf("== knee throughput"));
        // one row per profile: completed requests and no failures
        assertThat(all.lines().filter(l -> l.startsWith("round-robin ") || l.startsWith("sticky-prefix "))
                .toList()).hasSize(2).allSatisfy(row -> {
                    String[] f = row.trim().split("\\s+");
                    assertThat(Double.parseDouble(f[2])).as(row).isGreaterThan(2);   // req/s completed
                    assertThat(f[f.length - 2]).as(row).isEqualTo("0");              // shed
                    assertThat(f[f.length - 1]).as(row).isEqualTo("0");              // failed
                });
    }

    @Test
    void anUnknownProfileOrABadFileIsRefusedBeforeAnythingStarts() throws Exception {
        CliRun r = run("--profiles", "fastest");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("unknown profile 'fastest'; built-in profiles: least-in-flight, predicted-ttft,"
                + " reference, round-robin, sticky, sticky-learned, or an EndpointPickerConfig .yaml file");
        Path nameless = dir.resolve("nameless.yaml");
        Files.writeString(nameless, "kind: EndpointPickerConfig\nschedulingProfiles: [{name: default, plugins: []}]\n");
        r = run("--profiles", nameless.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("nameless.yaml: an EndpointPickerConfig document with metadata.name is required");
        Path typo = dir.resolve("typo.yaml");
        Files.writeString(typo, "kind: EndpointPickerConfig\nmetadata: {name: typo}\nplugins: [{type: queue-scorrer}]\n"
                + "schedulingProfiles: [{name: default, plugins: [{pluginRef: queue-scorrer}]}]\n");
        r = run("--profiles", typo.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("typo.yaml").contains("plugins[0].type: plugin type 'queue-scorrer' is not registered")
                .doesNotContain("Exception");
        r = run("--workload", "chat");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("unknown --workload 'chat'; one of shared-prefix, zipf, code-gen, multi-turn");
        r = run("--slow-endpoints", "9");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--slow-endpoints must be in [0, --endpoints]");
        r = run("--profiles", dir.resolve("missing.yaml").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("missing.yaml: no such file");
    }
}
