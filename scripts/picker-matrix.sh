#!/usr/bin/env bash
# bench-picker on every workload of the comparison (issue #14), each repeated: round-robin, the reference profile,
# llm-d's sticky-until-saturated and predicted-ttft. One file per workload under $OUT (default /tmp/picker-matrix).
# Usage: scripts/picker-matrix.sh [repeats] [rates] [stage duration]
set -euo pipefail
cd "$(dirname "$0")/.."
REPEAT=${1:-3}
RATES=${2:-48,96,144,192}
STAGE=${3:-8s}
OUT=${OUT:-/tmp/picker-matrix}
mkdir -p "$OUT"
PROFILES=round-robin,reference,sticky,predicted-ttft
run() {
  local name=$1; shift
  echo "== $name: bench-picker --profiles $PROFILES --rate $RATES --stage-duration $STAGE --repeat $REPEAT $*" | tee "$OUT/$name.txt"
  ./switchboard bench-picker --profiles "$PROFILES" --rate "$RATES" --stage-duration "$STAGE" --repeat "$REPEAT" "$@" \
      >> "$OUT/$name.txt" 2>&1
  sed -n '/== knee throughput/,$p' "$OUT/$name.txt"
}
run shared-prefix --workload shared-prefix
run zipf --workload zipf
run code-gen --workload code-gen
run multi-turn --workload multi-turn
run heterogeneous --workload shared-prefix --slow-endpoints 3
