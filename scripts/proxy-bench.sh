#!/usr/bin/env bash
# Hot-path benchmark: one non-streamed chat completion reached directly, through nginx and through Switchboard
# (with this script's configuration, and with the defaults), all in one run, every target side by side.
#
#   scripts/proxy-bench.sh [--rounds N] [--seconds S] [--rate R] [--upstream static|sim|both] [--proxy-cpu C]
#                                                  defaults: 3 rounds, 8 s per cell, 2000 req/s, static, core 1
#   SWITCHBOARD_JAR=FILE       run that jar instead of building one (either way it is copied first, so every process
#                              runs the same build even if the sources change meanwhile)
#   SWITCHBOARD_JAVA_OPTS=...  extra JVM flags for the two gateways only (e.g. an async-profiler -agentpath); the
#                              simulator and the load generator never get them
#
# Upstreams. "static": an nginx server (1 worker) that answers every request with the same 278-byte OpenAI chat
# completion (`return 200 '...'`, application/json), so the upstream costs almost nothing. "sim": the simulator at
# --time-scale 0 (it parses the request and generates 4 tokens: real work in a JVM, so a dearer upstream).
# Every request is the same POST /v1/chat/completions with a 113-byte JSON body.
#
# Targets. direct: the upstream itself. nginx: 1 worker, upstream keep-alive, access log off, proxy_buffering off
# (it streams, like Switchboard). switchboard: this script's config (access log off, --io-threads 1).
# switchboard-default: the same route with the Gateway defaults (access log on, written to a file as a deployment
# would, truncated between cells) and the default io threads (two per core the JVM sees: 2 here).
#
# Pinning: the load generator and the upstream share core 0; the proxy under test has core 1 to itself, with all its
# threads (JIT and GC of a JVM too). A JVM that sees one core runs SerialGC (HotSpot's ergonomics for a machine that
# is not "server class"): that is what both gateways run with here, and what a 1-CPU container gets. Every request
# through a proxy then crosses cores four times (client -> proxy -> upstream and back), and each crossing wakes an
# idle core: on a VM whose idle vCPUs halt (no guest halt-polling) that costs tens of µs, which shows up in the added
# latency at 1 connection and in the open loop for nginx as much as for Switchboard. --proxy-cpu 0 puts the proxies
# on core 0 as well: no crossings, the proxy's own work in the latency, and req/s then the whole chain's CPU cost.
#
# Loads. Closed loop: wrk -t1 at 1 and at 32 connections; req/s, and p50/p99/p99.9 read from wrk's own latency
# histogram (µs resolution) by a Lua done() hook, not rounded like --latency's table. Open loop at R req/s:
# `switchboard bench --rate R` (Poisson arrivals scheduled at absolute times, so a late timer does not lower the
# rate; latency counted from each request's write), one warm-up stage and one measured stage of S s each; the
# req/s column shows the rate it achieved. Not h2load: its --rps is a per-client periodic libev timer that releases
# what is due in batches (checked with nghttp2 1.52 at --h1 -c1 --rps 2000: 90 % of the gaps between request starts
# were under 20 µs and 87 % of the milliseconds had no request start, i.e. bursts of ~20 every 10 ms sent back to
# back on the one connection: a closed loop in bursts, not an open loop), it times a request from when it was
# finally sent (coordinated omission), and it prints no percentiles.
#
# Each round measures every (load, upstream, target) back to back. The table gives medians over rounds of req/s,
# p50, p99 and p99.9, of the added p50/p99 (target minus direct in the same round), and req/s ÷ nginx's;
# "errors" sums non-2xx answers and socket errors over the rounds. A warm-up (wrk, 32 connections) precedes round 1.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROUNDS=3 SECS=8 RATE=2000 UPSTREAM=static PROXY_CPU=1 WARMUP_SECS=8
usage() { sed -n '4,5p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) ROUNDS="${2:?}"; shift 2 ;;
    --seconds) SECS="${2:?}"; shift 2 ;;
    --rate) RATE="${2:?}"; shift 2 ;;
    --upstream) UPSTREAM="${2:?}"; shift 2 ;;
    --proxy-cpu) PROXY_CPU="${2:?}"; shift 2 ;;
    -h|--help) usage ;;
    *) echo "proxy-bench: unknown argument '$1'" >&2; usage ;;
  esac
done
for n in "$ROUNDS" "$SECS" "$RATE"; do [[ "$n" =~ ^[1-9][0-9]*$ ]] || { echo "proxy-bench: '$n' is not a positive integer" >&2; exit 2; }; done
case "$UPSTREAM" in static) KINDS=(static) ;; sim) KINDS=(sim) ;; both) KINDS=(static sim) ;;
  *) echo "proxy-bench: --upstream must be static, sim or both, not '$UPSTREAM'" >&2; exit 2 ;; esac
[[ "$PROXY_CPU" =~ ^[0-9]+$ ]] && [ "$PROXY_CPU" -lt "$(nproc)" ] \
  || { echo "proxy-bench: --proxy-cpu must be a core this process may use (0 to $(( $(nproc) - 1 ))), not '$PROXY_CPU'" >&2; exit 2; }
PROXY_MASK="1$(printf '%*s' "$PROXY_CPU" '' | tr ' ' 0)"        # nginx's worker_cpu_affinity: rightmost bit is core 0

# shellcheck source=scripts/bench-common.sh
source "$ROOT/scripts/bench-common.sh"
bench_setup proxy-bench wrk:wrk nginx:nginx curl:curl taskset:util-linux python3:python3

UP=18610 SIM=18611 NGX_STATIC=18612 NGX_SIM=18613 SB=18614 SB_ADMIN=18615 SBD=18616 SBD_ADMIN=18617
for port in $UP $SIM $NGX_STATIC $NGX_SIM $SB $SB_ADMIN $SBD $SBD_ADMIN; do
  if (echo > /dev/tcp/127.0.0.1/$port) 2>/dev/null; then echo "proxy-bench: port $port is in use" >&2; exit 2; fi
done
MODEL=sim-llama-3.1-8b
BODY='{"model":"'$MODEL'","messages":[{"role":"user","content":"Say hello."}],"max_tokens":4,"ignore_eos":true}'
REPLY='{"id":"chatcmpl-bench","object":"chat.completion","created":1700000000,"model":"'$MODEL'","choices":[{"index":0,"message":{"role":"assistant","content":"Hello there, friend."},"finish_reason":"stop"}],"usage":{"prompt_tokens":12,"completion_tokens":4,"total_tokens":16}}'

bench_nginx_conf upstream 1 "  server {
    listen 127.0.0.1:$UP;
    location / { default_type application/json; return 200 '$REPLY'; }
  }"
proxy_block() { # listen-port upstream-port
  echo "  upstream u$1 { server 127.0.0.1:$2; keepalive 256; keepalive_requests 1000000000; }
  server {
    listen 127.0.0.1:$1;
    location / { proxy_pass http://u$1; proxy_http_version 1.1; proxy_set_header Connection \"\"; proxy_buffering off; }
  }"
}
bench_nginx_conf proxy "$PROXY_MASK" "$(proxy_block $NGX_STATIC $UP)
$(proxy_block $NGX_SIM $SIM)"

gateway_yaml() { # file port admin-port gateway-extra-fields
  local sim_rule=""
  if [[ " ${KINDS[*]} " == *" sim "* ]]; then
    sim_rule="  - name: sim
    matches: [{headers: [{type: Exact, name: x-bench-upstream, value: sim}]}]
    backendRefs: [{name: sim}]"
  fi
  cat > "$1" <<CONF
apiVersion: switchboard.dev/v1alpha1
kind: Gateway
metadata: {name: bench}
spec: {listen: {port: $2}, admin: {port: $3}$4}
---
apiVersion: aigateway.envoyproxy.io/v1beta1
kind: AIGatewayRoute
metadata: {name: bench}
spec:
  rules:
$sim_rule
  - name: static
    backendRefs: [{name: static}]
$(bench_backend_yaml static $UP)
$(bench_backend_yaml sim $SIM)
CONF
}
gateway_yaml "$WORK/switchboard.yaml" $SB $SB_ADMIN ", accessLog: false"
gateway_yaml "$WORK/switchboard-default.yaml" $SBD $SBD_ADMIN ""

taskset -c 0 nginx -c "$WORK/upstream.conf" & PIDS+=($!)
taskset -c "$PROXY_CPU" nginx -c "$WORK/proxy.conf" & PIDS+=($!)
if [[ " ${KINDS[*]} " == *" sim "* ]]; then
  taskset -c 0 "$ROOT/switchboard" sim --port $SIM --time-scale 0 --max-num-seqs 1024 > "$WORK/sim.log" 2>&1 & PIDS+=($!)
fi
SWITCHBOARD_JAVA_OPTS="$GATEWAY_OPTS" taskset -c "$PROXY_CPU" "$ROOT/switchboard" run -c "$WORK/switchboard.yaml" --io-threads 1 \
  > "$WORK/switchboard.log" 2>&1 & PIDS+=($!); GATEWAY_PID=$!
ACCESS_LOG="$WORK/switchboard-default.log"       # appended to (O_APPEND), so truncating it between cells is safe
SWITCHBOARD_JAVA_OPTS="$GATEWAY_OPTS" taskset -c "$PROXY_CPU" "$ROOT/switchboard" run -c "$WORK/switchboard-default.yaml" \
  >> "$ACCESS_LOG" 2>&1 & PIDS+=($!)

declare -A PORT=([direct/static]=$UP [nginx/static]=$NGX_STATIC [switchboard/static]=$SB [switchboard-default/static]=$SBD
                 [direct/sim]=$SIM [nginx/sim]=$NGX_SIM [switchboard/sim]=$SB [switchboard-default/sim]=$SBD)
TARGETS=(direct nginx switchboard switchboard-default)
answered_by() { grep -q '"chatcmpl-bench"' "$WORK/check.json" && echo static || echo sim; }   # only nginx says that
for kind in "${KINDS[@]}"; do
  for t in "${TARGETS[@]}"; do
    url="http://127.0.0.1:${PORT[$t/$kind]}/v1/chat/completions"
    ok=""
    for _ in $(seq 150); do
      if curl -sf -o "$WORK/check.json" -H 'content-type: application/json' -H "x-bench-upstream: $kind" -d "$BODY" "$url" 2>/dev/null \
          && grep -q '"chat.completion"' "$WORK/check.json" && [ "$(answered_by)" = "$kind" ]; then ok=1; break; fi
      sleep 0.2
    done
    [ -n "$ok" ] || { echo "proxy-bench: $t ($kind upstream) does not answer at $url; logs in $WORK:" >&2; tail -n 5 "$WORK"/*.log >&2; exit 1; }
  done
done

bench_wrk_lua "$WORK/bench.lua" "$BODY"

RESULTS="$WORK/results.tsv"
closed() { # round load kind target connections seconds
  local out
  out="$(BENCH_UPSTREAM=$3 bench_wrk "$WORK/bench.lua" "http://127.0.0.1:${PORT[$4/$3]}/v1/chat/completions" "$5" "$6")"
  [ "$1" = warmup ] || printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$out" >> "$RESULTS"
}
open_loop() { # round kind target
  local out
  out="$(bench_open "http://127.0.0.1:${PORT[$3/$2]}" $MODEL "$RATE" "$SECS" --header "x-bench-upstream:$2")" || exit 1
  printf '%s\t%s\t%s\t%s\t%s\n' "$1" open "$2" "$3" "$out" >> "$RESULTS"
}
after_cell() { : > "$ACCESS_LOG"; }

echo "proxy-bench: $ROUNDS rounds x $SECS s, upstream ${KINDS[*]}, open loop at $RATE req/s, proxies on core $PROXY_CPU;" \
  "loadavg before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
for kind in "${KINDS[@]}"; do
  for t in "${TARGETS[@]}"; do closed warmup c32 "$kind" "$t" 32 "$WARMUP_SECS"; after_cell; done
done
for round in $(seq "$ROUNDS"); do
  for kind in "${KINDS[@]}"; do
    for t in "${TARGETS[@]}"; do closed "$round" c1 "$kind" "$t" 1 "$SECS"; after_cell; done
    for t in "${TARGETS[@]}"; do closed "$round" c32 "$kind" "$t" 32 "$SECS"; after_cell; done
    for t in "${TARGETS[@]}"; do open_loop "$round" "$kind" "$t"; after_cell; done
  done
  echo "proxy-bench: round $round done; loadavg $(cut -d' ' -f1-3 /proc/loadavg)" >&2
done

versions="$(nginx -v 2>&1 | sed 's/.*: //'), $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2), $("$ROOT/switchboard" --version | head -1)"
java_version="$("$(readlink "/proc/$GATEWAY_PID/exe")" -version 2>&1 | head -1)"
echo "proxy-bench: $versions on $java_version, $(nproc --all) cores; $ROUNDS rounds x $SECS s; proxies on core $PROXY_CPU"
python3 - "$RESULTS" "$RATE" <<'PY'
import sys, statistics as st
from collections import defaultdict
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
rate = sys.argv[2]
cell = defaultdict(dict)                                   # (load, kind, target) -> round -> fields
for rnd, load, kind, target, rps, p50, p99, p999, errors in rows:
    cell[(load, kind, target)][rnd] = dict(rps=float(rps), p50=float(p50), p99=float(p99),
                                           p999=float(p999) if p999 else None, errors=int(errors))
def med(load, kind, target, f):
    vals = [v[f] for v in cell[(load, kind, target)].values() if v[f] is not None]
    return st.median(vals) if vals else None
def added(load, kind, target, f):
    mine, direct = cell[(load, kind, target)], cell[(load, kind, "direct")]
    return st.median(mine[r][f] - direct[r][f] for r in mine)
fmt = lambda v: "" if v is None else f"{v:,.0f}"
labels = {"c1": "closed, 1 conn", "c32": "closed, 32 conns", "open": f"open, {rate} req/s"}
kinds = sorted({k for _, k, _ in cell}, key=["static", "sim"].index)
targets = ["direct", "nginx", "switchboard", "switchboard-default"]
print(f"{'load':18} {'upstream':8} {'target':19} {'req/s':>9} {'p50 us':>7} {'p99 us':>7} {'p99.9 us':>8} "
      f"{'added p50':>9} {'added p99':>9} {'/ nginx':>7} {'errors':>6}")
for kind in kinds:
    for load in ("c1", "c32", "open"):
        for t in targets:
            rps, nginx = med(load, kind, t, "rps"), med(load, kind, "nginx", "rps")
            a50 = "" if t == "direct" else fmt(added(load, kind, t, "p50"))
            a99 = "" if t == "direct" else fmt(added(load, kind, t, "p99"))
            ratio = "" if load == "open" or t == "direct" else f"{rps / nginx:.2f}"
            errors = sum(v["errors"] for v in cell[(load, kind, t)].values())
            print(f"{labels[load]:18} {kind:8} {t:19} {fmt(rps):>9} {fmt(med(load, kind, t, 'p50')):>7} "
                  f"{fmt(med(load, kind, t, 'p99')):>7} {fmt(med(load, kind, t, 'p999')):>8} {a50:>9} {a99:>9} "
                  f"{ratio:>7} {errors:>6}")
print()
for kind in kinds:
    for t in ("switchboard", "switchboard-default"):
        r1 = med("c1", kind, t, "rps") / med("c1", kind, "nginx", "rps")
        r32 = med("c32", kind, t, "rps") / med("c32", kind, "nginx", "rps")
        print(f"{kind} upstream, {t}: req/s / nginx {r1:.2f} at 1 conn, {r32:.2f} at 32 (target >= 0.8); "
              f"p99 at 1 conn {med('c1', kind, t, 'p99'):,.0f} us (target <= 1,000); "
              f"added p50 at {rate} req/s {added('open', kind, t, 'p50'):,.0f} us (target <= 50; "
              f"nginx {added('open', kind, 'nginx', 'p50'):,.0f} us)")
PY
echo "proxy-bench: loadavg after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
