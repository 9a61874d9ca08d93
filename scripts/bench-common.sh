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
