#!/usr/bin/env bash
# Every throughput figure of docs/PERFORMANCE.md in one command (not a test): runs the benchmarks one after the
# other on this machine and prints their tables together at the end. Each benchmark's own comment says what it
# measures; BENCH_GIB, BENCH_RUNS and the others pass through to them. Needs root, about 40 minutes on 2 cores, and a
# few GiB free under /var/tmp. Progress goes to standard error; the tables to standard output.
#   sudo scripts/bench.sh > bench.txt
set -euo pipefail
cd "$(dirname "$0")/.."

tables=$(mktemp)
trap 'rm -f "$tables"' EXIT
for bench in spool upload pipeline uplink restore resume; do
  echo "== scripts/bench-$bench.sh" >&2
  { echo; echo "== scripts/bench-$bench.sh"; bash "scripts/bench-$bench.sh"; } >> "$tables"
done
echo "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), kernel $(uname -r), $(dotnet --version | sed 's/^/.NET SDK /'), $(date -u +%Y-%m-%d)" >> "$tables"
cat "$tables"
