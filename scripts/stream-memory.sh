#!/usr/bin/env bash
# Memory benchmark: the gateway's RSS and heap while it holds N concurrent streamed chat completions (default 5,000).
#
#   scripts/stream-memory.sh [--streams N] [--seconds S] [--step-ms MS] [--samples K] [--histogram N]
#                            defaults: 5000 streams of 120 s, a token every 250 ms per stream, 5 samples
#   SWITCHBOARD_JAVA_OPTS="-Xmx96m ..."  extra JVM flags for the gateway only, to compare against the defaults
#   SWITCHBOARD_JAR=FILE                 run that jar instead of building one (copied first either way)
#   KEEP_LOGS=DIR                        copy the gateway's, simulator's and load generator's logs there at the end
#
# Upstream: one simulator that admits every stream at once and then streams slowly: --max-num-seqs and
# --max-waiting above N, a batch token budget that prefills all N prompts (16 tokens each) in one step, a KV cache
# big enough for every sequence to its end, and a flat step of MS milliseconds (--step-base-us, every other step
# cost 0, no jitter, --time-scale 1), so each stream gets one token per step and lasts S seconds. S leaves room for
# the ramp-up: on a busy machine the gateway took up to a minute to accept a burst of 5,000 connections.
# Gateway: `./switchboard run -c FILE` with its default launcher flags (plus SWITCHBOARD_JAVA_OPTS), default io
# threads, the Gateway defaults (access log on, to a file), a route to the simulator whose request timeout (600 s)
# outlasts the streams. Load: `switchboard bench --concurrency N --requests N`, streamed. Nothing is pinned.
# Once the simulator reports N running sequences (vllm:num_requests_running), the gateway's VmRSS, VmHWM (peak RSS
# since start), thread count, and heap used/committed (jcmd GC.heap_info, from the JDK that runs the gateway) are
# sampled K times, 2 s apart, with the streams still counted each time; then once more after a full GC (jcmd GC.run),
# whose heap figure is the live heap. Also printed: the gateway's CPU time and GC counts (jstat) since the load
# started; with -XX:NativeMemoryTracking=summary in SWITCHBOARD_JAVA_OPTS, the JVM's own breakdown (committed MB per
# category); with --histogram N, the N classes holding the most live heap (jcmd GC.class_histogram, itself a full
# GC). Finally the run waits for the streams to end and prints the load generator's ok/failed counts and its TTFT
# and inter-token latency, which show whether the gateway kept up.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STREAMS=5000 SECS=120 STEP_MS=250 SAMPLES=5 HISTOGRAM=0 INPUT_TOKENS=16 BLOCK=16
usage() { sed -n '4,5p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --streams) STREAMS="${2:?}"; shift 2 ;;
    --seconds) SECS="${2:?}"; shift 2 ;;
    --step-ms) STEP_MS="${2:?}"; shift 2 ;;
    --samples) SAMPLES="${2:?}"; shift 2 ;;
    --histogram) HISTOGRAM="${2:?}"; shift 2 ;;
    -h|--help) usage ;;
    *) echo "stream-memory: unknown argument '$1'" >&2; usage ;;
  esac
done
[[ "$HISTOGRAM" =~ ^[0-9]+$ ]] || { echo "stream-memory: --histogram takes a number of classes" >&2; exit 2; }
for n in "$STREAMS" "$SECS" "$STEP_MS" "$SAMPLES"; do
  [[ "$n" =~ ^[1-9][0-9]*$ ]] || { echo "stream-memory: '$n' is not a positive integer" >&2; exit 2; }
done
OUTPUT_TOKENS=$(( SECS * 1000 / STEP_MS ))
[ "$OUTPUT_TOKENS" -ge $(( (SAMPLES * 2 + 10) * 1000 / STEP_MS )) ] \
  || { echo "stream-memory: streams of $SECS s are too short to take $SAMPLES samples after the ramp-up" >&2; exit 2; }

# Every stream is a client socket and an upstream socket in the gateway (2N descriptors), N in the load generator
# and N in the simulator; each process inherits this limit.
FDS_NEEDED=$(( 2 * STREAMS + 1024 ))
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
[ "$(ulimit -n)" = unlimited ] || [ "$(ulimit -n)" -ge "$FDS_NEEDED" ] \
  || { echo "stream-memory: open files limit $(ulimit -n) (hard $(ulimit -Hn)) is below the $FDS_NEEDED needed" >&2; exit 2; }
# shellcheck source=scripts/bench-common.sh
source "$ROOT/scripts/bench-common.sh"
bench_setup stream-memory curl:curl python3:python3 ss:iproute2

SIM=18650 GW=18651 ADMIN=18652
for port in $SIM $GW $ADMIN; do
  if (echo > /dev/tcp/127.0.0.1/$port) 2>/dev/null; then echo "stream-memory: port $port is in use" >&2; exit 2; fi
done
MODEL=sim-llama-3.1-8b
SEQS=$(( STREAMS + 64 ))
BLOCKS_PER_SEQ=$(( (INPUT_TOKENS + OUTPUT_TOKENS + BLOCK - 1) / BLOCK + 1 ))
"$ROOT/switchboard" sim --port $SIM --time-scale 1 --max-num-seqs $SEQS --max-waiting $SEQS \
  --max-num-batched-tokens $(( SEQS * (INPUT_TOKENS + 1) )) --block-size $BLOCK --kv-blocks $(( SEQS * BLOCKS_PER_SEQ )) \
  --step-base-us $(( STEP_MS * 1000 )) --per-decode-seq-us 0 --per-prefill-token-us 0 --per-context-token-ns 0 \
  --jitter 0 > "$WORK/sim.log" 2>&1 & PIDS+=($!)

cat > "$WORK/gateway.yaml" <<CONF
apiVersion: switchboard.dev/v1alpha1
kind: Gateway
metadata: {name: memory}
spec: {listen: {port: $GW}, admin: {port: $ADMIN}}
---
apiVersion: aigateway.envoyproxy.io/v1beta1
kind: AIGatewayRoute
metadata: {name: memory}
spec:
  rules:
  - backendRefs: [{name: sim}]
    timeouts: {request: 600s}
$(bench_backend_yaml sim $SIM)
CONF
SWITCHBOARD_JAVA_OPTS="$GATEWAY_OPTS" "$ROOT/switchboard" run -c "$WORK/gateway.yaml" > "$WORK/gateway.log" 2>&1 & PIDS+=($!)
GW_PID=$!

for port in $SIM $GW; do
  for _ in $(seq 150); do (echo > /dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.2; done
done
curl -sf -o /dev/null -H 'content-type: application/json' \
  -d '{"model":"'$MODEL'","messages":[{"role":"user","content":"hi"}],"max_tokens":1}' "http://127.0.0.1:$GW/v1/chat/completions" \
  || { echo "stream-memory: the gateway does not answer; its log:" >&2; tail -20 "$WORK/gateway.log" >&2; exit 1; }
JCMD="$(dirname "$(readlink "/proc/$GW_PID/exe")")/jcmd"
[ -x "$JCMD" ] || { echo "stream-memory: no jcmd beside the gateway's java ($JCMD)" >&2; exit 1; }

status() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status"; }
metric() { curl -s --max-time 5 "http://127.0.0.1:$SIM/metrics" | awk -v m="$1" 'index($0, m) == 1 {n += $NF} END {printf "%d", n}'; }
running() { metric vllm:num_requests_running; }
client_conns() { ss -Htn state established "( sport = :$GW )" | wc -l; }
upstream_conns() { ss -Htn state established "( dport = :$SIM )" | wc -l; }
accept_queue() { ss -Hltn "( sport = :$GW )" | awk '{print $2}'; }      # connections the gateway has not accepted yet
heap() { # prints "used committed" in MB, summed over the heap's generations or regions
  "$JCMD" "$GW_PID" GC.heap_info | python3 -c '
import re, sys
text = sys.stdin.read()
# G1, Parallel, Serial, ZGC, Shenandoah all print "total|committed NK, used NK" per generation or for the heap.
pairs = re.findall(r"(?:total|committed)\s+(?:reserved \d+K, committed\s+)?(\d+)K, used (\d+)K", text)
if not pairs:
    pairs = [(c, u) for u, c in re.findall(r"used (\d+)M, capacity (\d+)M", text)]
    print(sum(int(u) for _, u in pairs), sum(int(c) for c, _ in pairs)); sys.exit()
print(f"{sum(int(u) for _, u in pairs) / 1024:.0f} {sum(int(c) for c, _ in pairs) / 1024:.0f}")'
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$GW_PID/stat"; }   # utime + stime of the whole process
gc_counts() { # young and full (or concurrent) collections and their time, from jstat
  "$(dirname "$JCMD")/jstat" -gc "$GW_PID" | awk 'NR == 1 {for (i = 1; i <= NF; i++) col[$i] = i}
    NR == 2 {printf "%d young (%.2f s), %d full (%.2f s)", $col["YGC"], $col["YGCT"], $col["FGC"], $col["FGCT"];
             if ($col["CGC"] != "-") printf ", %d concurrent cycles (%.2f s)", $col["CGC"], $col["CGCT"]}'
}
SHORT_SAMPLES=0
sample() { # label
  local used_committed streams
  used_committed="$(heap)" streams="$(running)"
  [ "$streams" -ge "$STREAMS" ] || SHORT_SAMPLES=$(( SHORT_SAMPLES + 1 ))
  printf '%-14s %8s %9s %10s %10s %8s %8s %8s\n' "$1" "$streams" "$(client_conns)" \
    "$(( $(status "$GW_PID" VmRSS) / 1024 ))" "$(( $(status "$GW_PID" VmHWM) / 1024 ))" \
    "${used_committed% *}" "${used_committed#* }" "$(status "$GW_PID" Threads)"
}

flags="$(tr '\0' ' ' < "/proc/$GW_PID/cmdline" | sed 's/ -jar .*//; s/^[^ ]* //')"   # between java and -jar
echo "stream-memory: gateway $("$(readlink "/proc/$GW_PID/exe")" -version 2>&1 | head -1), flags: $flags"
echo "stream-memory: idle before the load: RSS $(( $(status "$GW_PID" VmRSS) / 1024 )) MB, heap used/committed $(heap | tr ' ' /) MB"
"$ROOT/switchboard" bench --url "http://127.0.0.1:$GW" --model $MODEL --workload random --input-tokens $INPUT_TOKENS \
  --output-tokens $OUTPUT_TOKENS --concurrency "$STREAMS" --requests "$STREAMS" --timeout 900s --json \
  > "$WORK/bench.json" 2> "$WORK/bench.err" & PIDS+=($!)
BENCH_PID=$!
started=$(date +%s) cpu_at_start=$(cpu_ticks)
last=$started
until [ "$(running)" -ge "$STREAMS" ]; do
  if [ $(( $(date +%s) - last )) -ge 5 ]; then
    last=$(date +%s)
    echo "stream-memory: ramp-up, $(( last - started )) s: $(client_conns) client connections" \
      "($(accept_queue) not accepted yet), $(upstream_conns) upstream connections, $(running) running," \
      "$(metric vllm:num_requests_waiting) waiting in the simulator" >&2
  fi
  if ! kill -0 "$BENCH_PID" 2>/dev/null || [ $(( $(date +%s) - started )) -gt $(( SECS - 2 * SAMPLES - 10 )) ]; then
    echo "stream-memory: only $(running) of $STREAMS streams running after $(( $(date +%s) - started )) s" >&2
    tail -n 5 "$WORK"/bench.err "$WORK"/sim.log "$WORK"/gateway.log >&2; exit 1
  fi
  sleep 0.5
done
echo "stream-memory: $STREAMS streams running $(( $(date +%s) - started )) s after the load started; $OUTPUT_TOKENS tokens each, one per $STEP_MS ms"
printf '%-14s %8s %9s %10s %10s %8s %8s %8s\n' sample streams "gw conns" "RSS MB" "peak MB" "heap MB" "commit MB" threads
for i in $(seq "$SAMPLES"); do sample "$i"; sleep 2; done
if "$JCMD" "$GW_PID" VM.native_memory summary > "$WORK/nmt.txt" 2>/dev/null && grep -q committed= "$WORK/nmt.txt"; then
  echo "native memory at the last sample (NMT, committed MB; categories of 1 MB or more):"
  grep -E '^(Total|-? *[A-Z][A-Za-z ]+ \(reserved)' "$WORK/nmt.txt" | sed -E 's/^-? *//; s/\(reserved=[0-9]+KB, committed=([0-9]+)KB.*/\1/' \
    | sed -E 's/^Total: reserved=[0-9]+KB, committed=([0-9]+)KB.*/Total \1/' \
    | awk '{kb = $NF; $NF = ""; if (kb / 1024 >= 1) printf "  %-28s %6.0f\n", $0, kb / 1024}'
fi
echo "gateway work since the load started: $(( ( $(cpu_ticks) - cpu_at_start ) / $(getconf CLK_TCK) )) CPU s in $(( $(date +%s) - started )) s; GC: $(gc_counts)"
"$JCMD" "$GW_PID" GC.run > /dev/null
sample "after full GC"
if [ "$HISTOGRAM" -gt 0 ]; then
  echo "live heap by class (top $HISTOGRAM, with $(running) streams running):"
  "$JCMD" "$GW_PID" GC.class_histogram | sed -n "4,$(( HISTOGRAM + 3 ))p;/^Total/p"
fi
[ "$SHORT_SAMPLES" -eq 0 ] || echo "stream-memory: WARNING: $SHORT_SAMPLES samples saw fewer than $STREAMS streams (some had ended): use a longer --seconds"
wait "$BENCH_PID" || true
python3 - "$WORK/bench.json" "$STREAMS" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))["overall"]
itl, ttft = s["itl_ms"], s["ttft_ms"]
print(f"load generator: {s['ok']} ok, {s['failed']} failed of {sys.argv[2]} {dict((k, v) for k, v in s['errors'].items() if v)}; "
      f"TTFT p50/p99 {ttft['p50']:.0f}/{ttft['p99']:.0f} ms, ITL p50/p99 {itl['p50']:.0f}/{itl['p99']:.0f} ms")
PY
