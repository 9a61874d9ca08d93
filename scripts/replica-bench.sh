#!/usr/bin/env bash
# Replica benchmark: 1, 2 and 3 gateway replicas in front of one simulated model pool, the client spreading requests
# over them round-robin (as a Kubernetes Service would), each replica count with --share-state off and on.
#
#   scripts/replica-bench.sh [--replicas 1,2,3] [--rate R] [--seconds S] [--endpoints E]
#                            defaults: 1,2,3 replicas, 12 req/s, a warm-up and a measured stage of 20 s each, 4 servers
#   SWITCHBOARD_JAR, SWITCHBOARD_JAVA_OPTS, KEEP_LOGS: as for scripts/proxy-bench.sh (bench-common.sh)
#
# Pool: `switchboard sim` with E h100-8b servers of 1,024 KV blocks (16,384 tokens) each, simulated time 4x faster than
# wall time. Workload: `switchboard bench`'s shared-prefix, 6E system prompts of 2,000 tokens (so they fill 73% of the
# pool's KV cache, as in bench-picker's llm-d setting) x 8 questions of 200 tokens, 32 output tokens, Poisson arrivals
# at R req/s, streamed; the bench sends request i to replica i mod N (a repeated --url). Every gateway runs
# `switchboard run --io-threads 1` with the default profile (predicted-ttft); with sharing on, they share state through
# a redis-server this script starts (no persistence). Every cell starts a fresh simulator (empty caches) and fresh
# gateways (empty prefix indexes), so no cell inherits another's warm state.
#
# Per cell: req/s; the servers' own prefix-cache hit rate (vllm:prefix_cache_hits / queries over the measured stage);
# TTFT p50/p90/p99 as the client saw it; what sharing costs: the gateways' CPU (utime + stime from /proc, summed over
# the replicas) per request over both stages; and the shared-state counters of the replicas' /metrics (messages
# published, received, dropped; peer lag). At the end, the target: N replicas sharing within 1.1x of one replica's
# TTFT p90.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REPLICA_LIST=1,2,3 RATE=12 SECS=20 ENDPOINTS=4
usage() { sed -n '5,6p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --replicas) REPLICA_LIST="${2:?}"; shift 2 ;;
    --rate) RATE="${2:?}"; shift 2 ;;
    --seconds) SECS="${2:?}"; shift 2 ;;
    --endpoints) ENDPOINTS="${2:?}"; shift 2 ;;
    -h|--help) usage ;;
    *) echo "replica-bench: unknown argument '$1'" >&2; usage ;;
  esac
done
for n in "$RATE" "$SECS" "$ENDPOINTS" ${REPLICA_LIST//,/ }; do
  [[ "$n" =~ ^[1-9][0-9]*$ ]] || { echo "replica-bench: '$n' is not a positive integer" >&2; exit 2; }
done

# shellcheck source=scripts/bench-common.sh
source "$ROOT/scripts/bench-common.sh"
bench_setup replica-bench curl:curl python3:python3 redis-server:redis-server redis-cli:redis-tools

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
REDIS="$(free_port)"
SIM=18700 BASE=18720                              # server i on SIM + i; gateway i on BASE + 2i, its admin port next
MODEL=sim-llama-3.1-8b
PROMPT_GROUPS=$((6 * ENDPOINTS))
fail() { echo "replica-bench: $1; logs in $WORK:" >&2; tail -n 5 "$WORK"/*.log >&2; exit 1; }

redis-server --port "$REDIS" --bind 127.0.0.1 --save '' --appendonly no > "$WORK/redis-server.log" 2>&1 & PIDS+=($!)
for _ in $(seq 100); do [ "$(redis-cli -p "$REDIS" ping 2>/dev/null)" = PONG ] && break; sleep 0.1; done
[ "$(redis-cli -p "$REDIS" ping 2>/dev/null)" = PONG ] || fail "redis-server does not answer on port $REDIS"

gateway_yaml() { # index
  local e
  cat <<YAML
apiVersion: switchboard.dev/v1alpha1
kind: Gateway
metadata: {name: replica-$1}
spec: {listen: {host: 127.0.0.1, port: $((BASE + 2 * $1))}, admin: {port: $((BASE + 2 * $1 + 1))}, accessLog: false}
---
apiVersion: aigateway.envoyproxy.io/v1beta1
kind: AIGatewayRoute
metadata: {name: pool}
spec:
  rules:
  - backendRefs: [{group: inference.networking.k8s.io, kind: InferencePool, name: pool}]
    timeouts: {request: 300s}
---
apiVersion: inference.networking.k8s.io/v1
kind: InferencePool
metadata: {name: pool}
spec:
  selector: {matchLabels: {app: sim}}
  targetPorts: [{number: 8000}]
---
apiVersion: switchboard.dev/v1alpha1
kind: Endpoints
metadata: {name: sims}
spec:
  endpoints:
YAML
  for e in $(seq 0 $((ENDPOINTS - 1))); do echo "  - {address: 127.0.0.1, port: $((SIM + e)), labels: {app: sim}}"; done
}

cpu_ticks() { # pids... -> utime + stime summed, in clock ticks
  local p total=0
  for p in "$@"; do total=$((total + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done
  echo "$total"
}

metric() { # admin-port name [label-filter] -> the sample's value (summed over matching series), 0 when absent
  curl -s "http://127.0.0.1:$1/metrics" | awk -v n="$2" -v f="${3:-}" \
    'index($0, n) == 1 && (f == "" || index($0, f) > 0) { s += $NF } END { printf "%.6f", s + 0 }'
}
count() { printf '%.0f' "$(metric "$@")"; } # the same, rounded to an integer

RESULTS="$WORK/results.tsv"
run_cell() { # replicas sharing(on|off)
  local n=$1 share=$2 cell="$1-$2" i urls=() admins=() gw=() sim_pid metrics=()
  "$ROOT/switchboard" sim --endpoints "$ENDPOINTS" --port "$SIM" --time-scale 4 --kv-blocks 1024 --seed 1 \
    > "$WORK/sim-$cell.log" 2>&1 & sim_pid=$!; PIDS+=($sim_pid)
  for _ in $(seq 150); do curl -sf "http://127.0.0.1:$((SIM + ENDPOINTS - 1))/v1/models" > /dev/null && break; sleep 0.2; done
  for i in $(seq 0 $((n - 1))); do
    gateway_yaml "$i" > "$WORK/gateway-$i.yaml"
    local args=(run -c "$WORK/gateway-$i.yaml" --io-threads 1)
    [ "$share" = on ] && args+=(--share-state "redis://127.0.0.1:$REDIS/bench-$cell")
    SWITCHBOARD_JAVA_OPTS="$GATEWAY_OPTS" "$ROOT/switchboard" "${args[@]}" > "$WORK/gateway-$cell-$i.log" 2>&1 & gw+=($!); PIDS+=($!)
    urls+=(--url "http://127.0.0.1:$((BASE + 2 * i))")
    admins+=($((BASE + 2 * i + 1)))
  done
  for i in $(seq 0 $((n - 1))); do
    local ok=""
    for _ in $(seq 150); do
      curl -sf -o /dev/null -H 'content-type: application/json' "http://127.0.0.1:$((BASE + 2 * i))/v1/chat/completions" \
        -d '{"model":"'$MODEL'","messages":[{"role":"user","content":"hi"}],"max_tokens":1}' && { ok=1; break; }
      sleep 0.2
    done
    [ -n "$ok" ] || fail "gateway $i of cell $cell does not answer"
    if [ "$share" = on ]; then
      for _ in $(seq 100); do
        [ "$(count "${admins[$i]}" switchboard_shared_state_peers)" = $((n - 1)) ] \
          && [ "$(count "${admins[$i]}" switchboard_shared_state_connected)" = 1 ] && ok=2 && break
        sleep 0.1
      done
      [ "$ok" = 2 ] || fail "gateway $i of cell $cell does not see its $((n - 1)) peers"
    fi
  done
  for i in $(seq 0 $((ENDPOINTS - 1))); do metrics+=(--metrics-url "http://127.0.0.1:$((SIM + i))/metrics"); done
  local before after
  before="$(cpu_ticks "${gw[@]}")"
  "$ROOT/switchboard" bench "${urls[@]}" --model "$MODEL" --workload shared-prefix --groups "$PROMPT_GROUPS" \
    --prompts-per-group 8 --system-tokens 2000 --question-tokens 200 --output-tokens 32 --seed 1 \
    --rate "$RATE,$RATE" --stage-duration "${SECS}s" --timeout 60s "${metrics[@]}" --json \
    > "$WORK/bench-$cell.json" 2> "$WORK/bench-$cell.err" || { cat "$WORK/bench-$cell.err" >&2; fail "bench failed in cell $cell"; }
  after="$(cpu_ticks "${gw[@]}")"
  local published=0 received=0 dropped=0 lag=0
  for a in "${admins[@]}"; do
    published=$((published + $(count "$a" switchboard_shared_state_messages_total 'event="published"')))
    received=$((received + $(count "$a" switchboard_shared_state_messages_total 'event="received"')))
    dropped=$((dropped + $(count "$a" switchboard_shared_state_messages_total 'event="dropped"')
      + $(count "$a" switchboard_shared_state_records_dropped_total)))
    lag="$(python3 -c "print(max($lag, $(metric "$a" switchboard_shared_state_lag_seconds)))")"
  done
  python3 - "$WORK/bench-$cell.json" "$n" "$share" "$((after - before))" "$(getconf CLK_TCK)" \
    "$published" "$received" "$dropped" "$lag" >> "$RESULTS" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
warm, s = report["stages"][0], report["stages"][1]     # stage 0 warms JITs and caches; stage 1 is measured
n, share, ticks, hz, pub, rec, drop, lag = sys.argv[2:]
requests = warm["requests"] + s["requests"]
cpu_ms = 1000 * int(ticks) / int(hz) / max(1, requests)
hit = s["prefix_cache_hit_rate"]
t = s["ttft_ms"]
print("\t".join([n, share, f"{s['requests_per_s']:.1f}", f"{100 * hit:.1f}" if hit is not None else "-",
                 f"{t['p50']:.0f}", f"{t['p90']:.0f}", f"{t['p99']:.0f}", f"{cpu_ms:.2f}", str(s["failed"]),
                 pub, rec, drop, f"{1000 * float(lag):.1f}"]))
PY
  for p in "${gw[@]}" "$sim_pid"; do kill "$p" 2>/dev/null || true; done
  for p in "${gw[@]}" "$sim_pid"; do wait "$p" 2>/dev/null || true; done
}

echo "replica-bench: $ENDPOINTS simulated servers, $PROMPT_GROUPS system prompts, $RATE req/s, ${SECS}s warm-up + ${SECS}s measured per cell" >&2
for n in ${REPLICA_LIST//,/ }; do
  for share in off on; do
    echo "replica-bench: $n replica(s), sharing $share" >&2
    run_cell "$n" "$share"
  done
done

python3 - "$RESULTS" <<'PY'
import sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
head = ["replicas", "sharing", "req/s", "prefix hit %", "ttft p50 ms", "ttft p90 ms", "ttft p99 ms",
        "gw cpu ms/req", "failed", "msgs pub", "msgs recv", "dropped", "max lag ms"]
width = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(head)]
for r in [head] + rows:
    print("  ".join(c.rjust(w) for c, w in zip(r, width)))
one = next((r for r in rows if r[0] == "1" and r[1] == "off"), None)
if one:
    for r in rows:
        if r[0] != "1":
            print(f"{r[0]} replicas, sharing {r[1]}: TTFT p90 {float(r[5]) / float(one[5]):.2f}x one replica's"
                  + (" (target <= 1.1)" if r[1] == "on" else ""))
PY
