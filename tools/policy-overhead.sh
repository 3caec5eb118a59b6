#!/usr/bin/env bash
# Prints how long the policy pack adds to the offline run (`make preview`: preview and up of the dev
# stack through the engine): the median wall time of N runs without and with the pack, warm.
# Usage: tools/policy-overhead.sh [runs]   (needs make pulumi and make policy-pack first)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
bin=$(mktemp -d)/offline
trap 'rm -rf "$(dirname "$bin")"' EXIT
go build -o "$bin" ./cmd/offline
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
measure() {
  for _ in $(seq "$runs"); do
    start=$(date +%s.%N)
    "$bin" -stack dev -quiet -policy-pack "$1" >/dev/null
    awk -v a="$(date +%s.%N)" -v b="$start" 'BEGIN {print a - b}'
  done | median
}
without=$(measure "")
with=$(measure bin/policy/hubspoke-policy)
awk -v n="$runs" -v a="$without" -v b="$with" \
  'BEGIN {printf "offline run of dev, median of %d warm runs: without the pack %.2f s, with it %.2f s (+%.2f s)\n", n, a, b, b - a}'
