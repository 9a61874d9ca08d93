#!/usr/bin/env bash
# Proxy overhead benchmark: the same zero-latency simulator reached directly, through nginx (the floor for any
# proxy) and through Switchboard, in one run, with switchboard bench as the load generator.
#   scripts/proxy-bench.sh [seconds-per-measurement] [rounds]     (default 10 s, 3 rounds)
# Pins: simulator + load generator on core 0, the proxy under test on core 1 (nginx: one worker).
# Latency is measured where nothing is saturated (4 concurrent, and an open loop at 2000 req/s), throughput at 256
# concurrent. Each round measures direct, nginx and Switchboard back to back; the table gives medians over rounds of
# added latency (proxy minus direct, same round) and of throughput, and ratios to nginx.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SECS="${1:-10}"
ROUNDS="${2:-3}"
RATE=2000
CONC=4
WORK="$(mktemp -d)"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT

command -v nginx >/dev/null || { apt-get update -qq && apt-get install -y -qq nginx >/dev/null; }
command -v taskset >/dev/null || { echo "taskset (util-linux) is needed" >&2; exit 2; }
"$ROOT/switchboard" build
cp "$ROOT/cli/target/switchboard.jar" "$WORK/switchboard.jar"
export SWITCHBOARD_JAR="$WORK/switchboard.jar"   # every process below runs this build, even if sources change meanwhile

SIM=18600 NGINX=18601 GW=18602 ADMIN=18603
taskset -c 0 "$ROOT/switchboard" sim --port $SIM --time-scale 0 --max-num-seqs 1024 > "$WORK/sim.log" 2>&1 & PIDS+=($!)

cat > "$WORK/nginx.conf" <<CONF
worker_processes 1;
worker_cpu_affinity 10;
daemon off;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $WORK/body; proxy_temp_path $WORK/proxy;
  fastcgi_temp_path $WORK/fcgi; uwsgi_temp_path $WORK/uwsgi; scgi_temp_path $WORK/scgi;
  upstream sim { server 127.0.0.1:$SIM; keepalive 256; }
  server {
    listen 127.0.0.1:$NGINX;
    location / {
      proxy_pass http://sim;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering off;
    }
  }
}
CONF
nginx -c "$WORK/nginx.conf" & PIDS+=($!)

cat > "$WORK/gateway.yaml" <<CONF
apiVersion: switchboard.dev/v1alpha1
kind: Gateway
metadata: {name: bench}
spec: {listen: {port: $GW}, admin: {port: $ADMIN}, accessLog: false}
---
apiVersion: aigateway.envoyproxy.io/v1beta1
kind: AIGatewayRoute
metadata: {name: bench}
spec: {rules: [{backendRefs: [{name: sim}]}]}
---
apiVersion: aigateway.envoyproxy.io/v1beta1
kind: AIServiceBackend
metadata: {name: sim}
spec: {schema: {name: OpenAI}, backendRef: {name: sim}}
---
apiVersion: gateway.envoyproxy.io/v1alpha1
kind: Backend
metadata: {name: sim}
spec: {endpoints: [{ip: {address: 127.0.0.1, port: $SIM}}]}
CONF
taskset -c 1 "$ROOT/switchboard" run -c "$WORK/gateway.yaml" --io-threads 1 > "$WORK/gw.log" 2>&1 & PIDS+=($!)

for port in $SIM $NGINX $GW; do
  for _ in $(seq 100); do (echo > /dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.1; done
done

bench() { # target-port mode(args...) -> json file
  local port=$1 out=$2; shift 2
  taskset -c 0 "$ROOT/switchboard" bench --url "http://127.0.0.1:$port" --model sim-llama-3.1-8b --no-stream \
    --workload random --input-tokens 16 --output-tokens 4 --json "$@" > "$out"
}
declare -A NAME=([$SIM]=direct [$NGINX]=nginx [$GW]=switchboard)
for port in $SIM $NGINX $GW; do
  bench $port /dev/null --concurrency 64 --duration 5s                     # warm-up (JIT, pools)
done
for round in $(seq "$ROUNDS"); do
  for kind in conc rate max; do
    for port in $SIM $NGINX $GW; do
      n=${NAME[$port]}
      case $kind in
        conc) bench $port "$WORK/$n-$kind-$round.json" --concurrency $CONC --duration "${SECS}s" ;;
        rate) bench $port "$WORK/$n-$kind-$round.json" --rate $RATE --duration "${SECS}s" ;;
        max)  bench $port "$WORK/$n-$kind-$round.json" --concurrency 256 --duration "${SECS}s" ;;
      esac
    done
  done
done

python3 - "$WORK" "$CONC" "$RATE" "$ROUNDS" <<'PY'
import json, sys, os, statistics as st
work, conc, rate, rounds = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
def load(n, kind, r):
    return json.load(open(os.path.join(work, f"{n}-{kind}-{r}.json")))["overall"]
def added(n, kind, q):
    return st.median((load(n, kind, r)["e2e_ms"][q] - load("direct", kind, r)["e2e_ms"][q]) * 1000 for r in range(1, rounds + 1))
def med(n, kind, f):
    return st.median(load(n, kind, r)[f] for r in range(1, rounds + 1))
print(f"{'load':26} {'target':12} {'p50 (us)':>9} {'p99 (us)':>9} {'added p50':>10} {'added p99':>10} {'req/s':>8} {'failed':>7}")
for kind, label in (("conc", f"closed loop, {conc} conc."), ("rate", f"open loop, {rate} req/s")):
    for n in ("direct", "nginx", "switchboard"):
        p50 = st.median(load(n, kind, r)["e2e_ms"]["p50"] * 1000 for r in range(1, rounds + 1))
        p99 = st.median(load(n, kind, r)["e2e_ms"]["p99"] * 1000 for r in range(1, rounds + 1))
        a50 = "" if n == "direct" else f"{added(n, kind, 'p50'):.0f}"
        a99 = "" if n == "direct" else f"{added(n, kind, 'p99'):.0f}"
        failed = sum(load(n, kind, r)["failed"] for r in range(1, rounds + 1))
        print(f"{label:26} {n:12} {p50:9.0f} {p99:9.0f} {a50:>10} {a99:>10} {med(n, kind, 'requests_per_s'):8.0f} {failed:7d}")
mx = {n: med(n, "max", "requests_per_s") for n in ("direct", "nginx", "switchboard")}
print(f"\nmax req/s, 256 concurrent (median of {rounds}): direct {mx['direct']:.0f}, nginx {mx['nginx']:.0f}, "
      f"switchboard {mx['switchboard']:.0f}; switchboard / nginx = {mx['switchboard'] / mx['nginx']:.2f}")
for kind in ("conc", "rate"):
    an, asw = added("nginx", kind, "p50"), added("switchboard", kind, "p50")
    print(f"{kind}: added p50 switchboard {asw:.0f} us vs nginx {an:.0f} us")
PY
