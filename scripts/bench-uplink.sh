#!/usr/bin/env bash
# Benchmark of the uploader on a simulated consumer uplink (not a test): the uploader drains one spooled full of
# BENCH_GIB (default 2) GiB in chunks of BENCH_CHUNK (default 512MiB) to the local S3 server through
# scripts/uplink-proxy.py, which adds a round-trip time (BENCH_RTT_MS, default 20-40 ms, drawn per connection) and caps
# the bytes sent at a shared rate. Rows: the defaults ([s3] part_size 64MiB, concurrency 16) at BENCH_CAPS (default
# "2000 800" Mbit/s), the defaults without added latency, and at the last cap other concurrencies and part sizes, to
# show what the defaults must be. Throughput is the uploader's own figure (its "run:" line: chunk bytes over the run's
# time, publishing included). Medians of BENCH_RUNS (default 3) runs. Needs root. Starts the local S3 server if it is
# not running (and then stops it at the end); cleans up what it made.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

gib=${BENCH_GIB:-2}
runs=${BENCH_RUNS:-3}
chunk=${BENCH_CHUNK:-512MiB}
rtt=${BENCH_RTT_MS:-20-40}
caps=${BENCH_CAPS:-2000 800}
port=${BENCH_PROXY_PORT:-7491}

bash scripts/install-deps.sh
work=$(mktemp -d /var/tmp/btrfs_to_s3-bench-uplink.XXXXXX)
source scripts/bench-lib.sh
proxy=
stop_proxy() { if [ -n "$proxy" ]; then kill "$proxy" 2>/dev/null; wait "$proxy" 2>/dev/null || true; proxy=; fi; }
trap 'stop_proxy; bench_cleanup' EXIT
bench_setup_btrfs "$gib"
bench_setup_s3
upstream=${S3_ENDPOINT#http://}

bench_config "$chunk" "$(( gib * 2 + 2 ))GiB"
echo "spooling it..." >&2
dotnet "$work/bin/btrfs-to-s3-spooler.dll" --config "$work/bench.ini" --full > "$work/spooler.log" 2>&1 || { cat "$work/spooler.log" >&2; exit 1; }
mkdir "$work/spool-copy"
mv "$work"/spool/data.* "$work/spool-copy/"

# upload MBIT RTT PART CONCURRENCY: prints the medians of the uploader's MB/s (its "run:" line: chunk bytes over the
# whole run, start-up, verification and publishing included) and of the link's (bytes the proxy carried to the server
# over the time from its first to its last byte: how full the uploader kept the link while it sent).
upload() {
  local mbs=() link=() run
  for run in $(seq "$runs"); do
    cp -a "$work"/spool-copy/data.* "$work/spool/"
    cold
    python3 scripts/uplink-proxy.py "$port" "$upstream" --mbit "$1" --rtt-ms "$2" > "$work/proxy.log" 2>&1 &
    proxy=$!
    for _ in $(seq 50); do grep -q listening "$work/proxy.log" && break; sleep 0.1; done
    dotnet "$work/bin/btrfs-to-s3-uploader.dll" --config "$work/bench.ini" --once --s3.endpoint "http://127.0.0.1:$port" \
      --s3.part_size "$3" --s3.concurrency "$4" > "$work/uploader.log" 2>&1 || { cat "$work/uploader.log" >&2; exit 1; }
    stop_proxy
    finished "$work/uploader.log" >/dev/null
    mbs+=("$(grep -oE 'run: .* MB/s' "$work/uploader.log" | grep -oE '[0-9.]+ MB/s' | cut -d' ' -f1)")
    read -r carried seconds < <(sed -nE 's/carried ([0-9]+) bytes to the server in ([0-9.]+) s/\1 \2/p' "$work/proxy.log")
    link+=("$(echo "scale=1; $carried / $seconds / 1000000" | bc)")
    echo "cap $1 Mbit/s, RTT $2 ms, part $3, concurrency $4, run $run: uploader ${mbs[-1]} MB/s, link ${link[-1]} MB/s" >&2
    bench_empty_bucket
  done
  echo "$(printf '%s\n' "${mbs[@]}" | median) $(printf '%s\n' "${link[@]}" | median)"
}

row() { # cap rtt part concurrency
  local mbs link cap_mbs
  read -r mbs link < <(upload "$@")
  cap_mbs=$(echo "scale=1; $1 / 8" | bc)
  printf '%-12s %-10s %-8s %12s %13s %10s %10s %9s\n' "$1" "$2" "$3" "$4" "$mbs" "$link" "$cap_mbs" "$(echo "scale=0; 100 * $link / $cap_mbs" | bc)%"
}

printf '\n%-12s %-10s %-8s %12s %13s %10s %10s %9s\n' "cap Mbit/s" "RTT ms" "part" "concurrency" "uploader MB/s" "link MB/s" "cap MB/s" "link/cap"
for cap in $caps; do row "$cap" "$rtt" 64MiB 16; done
last=${caps##* }
row "$last" 0 64MiB 16
for c in ${BENCH_SWEEP_CONCURRENCY:-4 8 32}; do row "$last" "$rtt" 64MiB "$c"; done
row "$last" "$rtt" 16MiB 16
printf '\n%s GiB in chunks of %s (medians of %s runs); target: with the defaults (64MiB, 16) the link carries >= 90%% of the cap\n' "$gib" "$chunk" "$runs"
