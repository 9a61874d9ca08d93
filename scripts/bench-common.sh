# Shared setup of the benchmark scripts (sourced, not run): installs what is missing, gives the run a work folder
# whose processes are stopped and files removed on exit, and pins one build of Switchboard for every process.
#   bench_setup NAME command:package ...   e.g. bench_setup proxy-bench wrk:wrk nginx:nginx
# After it: WORK (the folder), PIDS (append the processes you start), SWITCHBOARD_JAR (the pinned jar, exported),
# GATEWAY_OPTS (SWITCHBOARD_JAVA_OPTS as given, for the gateways only; unset for everything else).
# KEEP_LOGS=DIR copies the work folder's logs there before it is removed.

bench_setup() {
  local name=$1 pair need=()
  shift
  for pair in "$@"; do
    command -v "${pair%%:*}" >/dev/null || need+=("${pair#*:}")
  done
  if [ ${#need[@]} -gt 0 ]; then
    echo "$name: installing ${need[*]}" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  fi
  WORK="$(mktemp -d)"
  PIDS=()
  trap bench_cleanup EXIT
  trap 'exit 130' INT TERM
  if [ -n "${SWITCHBOARD_JAR:-}" ]; then
    cp "$SWITCHBOARD_JAR" "$WORK/switchboard.jar"
  else
    "$ROOT/switchboard" build
    cp "$ROOT/cli/target/switchboard.jar" "$WORK/switchboard.jar"
  fi
  export SWITCHBOARD_JAR="$WORK/switchboard.jar"   # every process runs this build, even if the sources change meanwhile
  GATEWAY_OPTS="${SWITCHBOARD_JAVA_OPTS:-}"
  unset SWITCHBOARD_JAVA_OPTS                      # the simulator and the load generator run without them
}

# An AIServiceBackend NAME (OpenAI schema) and its Backend at 127.0.0.1:PORT, as YAML documents (each after "---").
bench_backend_yaml() { # name port
  cat <<YAML
---
apiVersion: aigateway.envoyproxy.io/v1beta1
kind: AIServiceBackend
metadata: {name: $1}
spec: {schema: {name: OpenAI}, backendRef: {name: $1}}
---
apiVersion: gateway.envoyproxy.io/v1alpha1
kind: Backend
metadata: {name: $1}
spec: {endpoints: [{ip: {address: 127.0.0.1, port: $2}}]}
YAML
}

bench_cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  if [ -n "${KEEP_LOGS:-}" ]; then
    mkdir -p "$KEEP_LOGS" && cp "$WORK"/*.log "$WORK"/*.err "$WORK"/*.json "$KEEP_LOGS"/ 2>/dev/null || true
  fi
  rm -rf "$WORK"
}

# An nginx configuration $WORK/NAME.conf: one worker on the cores of CPU-MASK (nginx's worker_cpu_affinity: rightmost
# bit is core 0), no access log, keep-alive without limits, temp folders in WORK; the server blocks given.
bench_nginx_conf() { # name cpu-mask server-blocks
  cat > "$WORK/$1.conf" <<CONF
worker_processes 1;
worker_cpu_affinity $2;
daemon off;
pid $WORK/$1.pid;
error_log $WORK/$1-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000000;
  keepalive_timeout 300s;
  client_body_temp_path $WORK/$1-body; proxy_temp_path $WORK/$1-proxy;
  fastcgi_temp_path $WORK/$1-fcgi; uwsgi_temp_path $WORK/$1-uwsgi; scgi_temp_path $WORK/$1-scgi;
$3
}
CONF
}

# wrk's script: POST BODY as JSON; x-bench-upstream from $BENCH_UPSTREAM and Authorization: Bearer $BENCH_KEY when
# set (read when wrk starts, so one script serves every target); done() prints
# "RESULT req/s p50 p99 p99.9 errors" from wrk's own histogram (µs), errors = non-2xx + socket errors.
bench_wrk_lua() { # file body
  cat > "$1" <<LUA
wrk.method = "POST"
wrk.body = '$2'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["x-bench-upstream"] = os.getenv("BENCH_UPSTREAM")
local key = os.getenv("BENCH_KEY")
if key and key ~= "" then wrk.headers["Authorization"] = "Bearer " .. key end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %.1f %d %d %d %d\n", summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(99), latency:percentile(99.9),
    e.status + e.connect + e.read + e.write + e.timeout))
end
LUA
}

# One closed-loop cell: wrk -t1 on core 0 with the script above; prints "req/s p50 p99 p99.9 errors", tab-separated.
bench_wrk() { # lua-script url connections seconds
  local out
  out="$(taskset -c 0 wrk -t1 -c"$3" -d"$4"s --timeout 5s -s "$1" "$2")"
  grep '^RESULT ' <<<"$out" | cut -d' ' -f2- | tr ' ' '\t'
}

# One open-loop cell: `switchboard bench --rate RATE` on core 0, a warm-up stage and a measured stage of SECONDS each;
# prints "req/s p50 p99 (no p99.9) failed" of the measured stage, tab-separated. Extra arguments go to the bench
# (--header, --api-key-env); stderr of a failed run is shown.
bench_open() { # base-url model rate seconds [bench args...]
  local url=$1 model=$2 rate=$3 secs=$4
  shift 4
  taskset -c 0 "$ROOT/switchboard" bench --url "$url" --model "$model" --no-stream \
    --workload random --input-tokens 16 --output-tokens 4 "$@" \
    --rate "$rate,$rate" --stage-duration "${secs}s" --timeout 10s --json > "$WORK/open.json" 2> "$WORK/open.err" \
    || { echo "bench: switchboard bench failed against $url:" >&2; cat "$WORK/open.err" >&2; return 1; }
  python3 - "$WORK/open.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))["stages"][1]          # stage 0 warms the load generator's JIT up
e = s["e2e_ms"]
print("\t".join([f"{s['requests_per_s']:.1f}", f"{e['p50'] * 1000:.0f}", f"{e['p99'] * 1000:.0f}", "",
                 str(s["failed"])]))
PY
}
