#!/usr/bin/env bash
# Prints the feedback times issue 21 sets targets for, on this machine, as medians of N runs:
#   warm: `go test ./offline` (the engine tests) and `make preview`;
#   cold (-cold, one run each, empty build cache, the module cache kept): the floor, a program that
#   only imports the SDK packages the project imports, built; and `go test ./...`.
# Usage: tools/feedback-times.sh [-cold] [runs]   (after make test-deps)
set -euo pipefail
cd "$(dirname "$0")/.."
cold=false
if [ "${1:-}" = -cold ]; then cold=true; shift; fi
runs=${1:-3}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
seconds() { # the wall time of a command, its output discarded
  local start=$EPOCHREALTIME
  "$@" >/dev/null 2>&1
  awk -v a="$EPOCHREALTIME" -v b="$start" 'BEGIN {printf "%.1f\n", a - b}'
}
warm() { for _ in $(seq "$runs"); do seconds "$@"; done | median; }

make --no-print-directory test-deps >/dev/null
go test -count=1 -run XXX ./offline >/dev/null # the test binary built, not timed
printf 'warm, median of %d: go test ./offline %6.1f s\n' "$runs" "$(warm go test -count=1 ./offline)"
printf 'warm, median of %d: make preview      %6.1f s\n' "$runs" "$(warm make --no-print-directory preview)"

if $cold; then
  imports=$(go list -f '{{join .Imports "\n"}}{{"\n"}}{{join .TestImports "\n"}}{{"\n"}}{{join .XTestImports "\n"}}' ./... |
    grep -E '^github.com/pulumi/' | sort -u | sed 's/.*/\t_ "&"/')
  floor=$(mktemp -d -p . floorXXXX)
  cache=$(mktemp -d)
  trap 'rm -rf "$floor" "$cache"' EXIT
  printf 'package main\n\nimport (\n%s\n)\n\nfunc main() {}\n' "$imports" >"$floor/main.go"
  f=$(GOCACHE=$cache seconds go build -o /dev/null "./$floor")
  rm -rf "$cache" && mkdir -p "$cache"
  t=$(GOCACHE=$cache seconds go test -count=1 ./...)
  printf 'cold: the SDK packages alone  %6.1f s\ncold: go test ./...           %6.1f s (%.2fx the floor)\n' "$f" "$t" "$(awk -v a="$t" -v b="$f" 'BEGIN {print a / b}')"
fi
