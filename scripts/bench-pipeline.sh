#!/usr/bin/env bash
# Benchmark of the whole pipeline (not a test): on a loopback btrfs holding BENCH_GIB (default 3) GiB of
# incompressible data and against the local S3 server, for each chunk size in BENCH_CHUNKS (default "256MiB 4GiB"):
# the spooler alone (a full into an empty spool), the uploader alone (draining that spool), and both started together
# as the timer starts them, with a quota of BENCH_QUOTA_CHUNKS (default 4) chunks so that the spooler pauses and
# resumes. Prints seconds, MB/s, peak RSS and CPU seconds per GiB of each process, and the overlap: together / the
# slower stage alone (1.00 = perfect overlap). Medians of BENCH_RUNS (default 3) runs, page caches dropped before each.
# Then streaming operation (README, "Streaming: no scratch SSD"): both together with the spool on a tmpfs, chunks of
# 512MiB and a quota of 2GiB, and the peak memory that takes (the tmpfs's peak use plus both processes' peak RSS).
# [s3] part_size and concurrency are the defaults. Needs root. Starts the local S3 server if it is not running (and
# then stops it at the end); cleans up what it made.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

gib=${BENCH_GIB:-3}
runs=${BENCH_RUNS:-3}
chunk_sizes=${BENCH_CHUNKS:-256MiB 4GiB}
quota_chunks=${BENCH_QUOTA_CHUNKS:-4}

bash scripts/install-deps.sh
work=$(mktemp -d /var/tmp/btrfs_to_s3-bench-pipeline.XXXXXX)
source scripts/bench-lib.sh
tmpfs=$work/tmpfs
trap 'umount "$tmpfs" 2>/dev/null; bench_cleanup' EXIT
bench_setup_btrfs "$gib"
bench_setup_s3

spooler() { dotnet "$work/bin/btrfs-to-s3-spooler.dll" --config "$work/bench.ini" --full "$@"; }
uploader() { dotnet "$work/bin/btrfs-to-s3-uploader.dll" --config "$work/bench.ini" "$@"; }
mib() { echo $(( $(numfmt --from=iec-i "${1%B}") / 1048576 )); }
stream_bytes() { grep -o '"total_bytes": [0-9]*' "$work"/spool/data.*/seal.json | grep -o '[0-9]*$'; }

printf '\n%-40s %9s %9s %11s %11s %13s %13s %8s\n' "run (medians of $runs)" "seconds" "MB/s" \
  "spooler RSS" "uploader RSS" "spooler s/GiB" "uploader s/GiB" "overlap"
for chunk in $chunk_sizes; do
  chunk_mib=$(mib "$chunk")
  s_secs=(); s_cpu=(); s_rss=(); u_secs=(); u_cpu=(); u_rss=(); t_secs=(); ts_cpu=(); ts_rss=(); tu_cpu=(); tu_rss=()
  for run in $(seq "$runs"); do
    # Alone: a quota that holds the whole stream, so the spooler never waits for the uploader.
    bench_config "$chunk" "$(( chunk_mib * 2 + gib * 2048 ))MiB"
    cold
    start=$(now)
    spooler > "$work/spooler.log" 2>&1 || { cat "$work/spooler.log" >&2; exit 1; }
    s_secs+=("$(echo "$(now) - $start" | bc)")
    read -r c r < <(finished "$work/spooler.log"); s_cpu+=("$c"); s_rss+=("$r")
    bytes=$(stream_bytes)
    cold
    start=$(now)
    uploader --once > "$work/uploader.log" 2>&1 || { cat "$work/uploader.log" >&2; exit 1; }
    u_secs+=("$(echo "$(now) - $start" | bc)")
    read -r c r < <(finished "$work/uploader.log"); u_cpu+=("$c"); u_rss+=("$r")
    bench_empty_bucket

    # Together, as the timer starts them: the uploader follows the spooler; the quota makes the spooler pause.
    bench_config "$chunk" "$(( chunk_mib * quota_chunks ))MiB"
    cold
    start=$(now)
    uploader > "$work/uploader.log" 2>&1 &
    up=$!
    spooler > "$work/spooler.log" 2>&1 || { cat "$work/spooler.log" >&2; exit 1; }
    wait "$up" || { cat "$work/uploader.log" >&2; exit 1; }
    t_secs+=("$(echo "$(now) - $start" | bc)")
    read -r c r < <(finished "$work/spooler.log"); ts_cpu+=("$c"); ts_rss+=("$r")
    read -r c r < <(finished "$work/uploader.log"); tu_cpu+=("$c"); tu_rss+=("$r")
    [ -z "$(find "$work/spool" -mindepth 1 ! -name '*.lock')" ] || { echo "the spool did not drain" >&2; ls -R "$work/spool" >&2; exit 1; }
    echo "chunk $chunk, run $run: spooler ${s_secs[-1]} s, uploader ${u_secs[-1]} s, together ${t_secs[-1]} s ($(grep -c 'pausing until' "$work/spooler.log" || true) quota pauses)" >&2
    bench_empty_bucket
  done
  per_gib() { echo "scale=2; $(printf '%s\n' "$@" | median) / ($bytes / 1073741824)" | bc; }
  s=$(printf '%s\n' "${s_secs[@]}" | median); u=$(printf '%s\n' "${u_secs[@]}" | median); t=$(printf '%s\n' "${t_secs[@]}" | median)
  slower=$(echo "if ($s > $u) $s else $u" | bc)
  row() { printf '%-40s %9.2f %9.1f %11s %12s %13s %14s %8s\n' "$1" "$2" "$(echo "scale=1; $bytes / $2 / 1000000" | bc)" "$3" "$4" "$5" "$6" "$7"; }
  row "chunk $chunk: spooler alone" "$s" "$(printf '%s\n' "${s_rss[@]}" | median) MiB" "-" "$(per_gib "${s_cpu[@]}")" "-" "-"
  row "chunk $chunk: uploader alone" "$u" "-" "$(printf '%s\n' "${u_rss[@]}" | median) MiB" "-" "$(per_gib "${u_cpu[@]}")" "-"
  row "chunk $chunk: together, quota $quota_chunks chunks" "$t" "$(printf '%s\n' "${ts_rss[@]}" | median) MiB" \
    "$(printf '%s\n' "${tu_rss[@]}" | median) MiB" "$(per_gib "${ts_cpu[@]}")" "$(per_gib "${tu_cpu[@]}")" "$(echo "scale=2; $t / $slower" | bc)"
done
# Streaming: the spool in memory. The tmpfs is sized as README says: the quota plus 64 MiB for the spooler's margin.
mkdir -p "$tmpfs"
mount -t tmpfs -o size=2112M,mode=0700 tmpfs "$tmpfs"
t_secs=(); ts_cpu=(); ts_rss=(); tu_cpu=(); tu_rss=(); peaks=()
for run in $(seq "$runs"); do
  bench_config 512MiB 2GiB
  sed -i "s|^dir = $work/spool\$|dir = $tmpfs|" "$work/bench.ini"
  cold
  start=$(now)
  uploader > "$work/uploader.log" 2>&1 &
  up=$!
  spooler > "$work/spooler.log" 2>&1 &
  sp=$!
  peak=0
  while kill -0 "$sp" 2>/dev/null || kill -0 "$up" 2>/dev/null; do
    used=$(df -B1 --output=used "$tmpfs" | tail -1)
    [ "$used" -gt "$peak" ] && peak=$used
    sleep 0.1
  done
  wait "$sp" || { cat "$work/spooler.log" >&2; exit 1; }
  wait "$up" || { cat "$work/uploader.log" >&2; exit 1; }
  t_secs+=("$(echo "$(now) - $start" | bc)")
  read -r c r < <(finished "$work/spooler.log"); ts_cpu+=("$c"); ts_rss+=("$r")
  read -r c r < <(finished "$work/uploader.log"); tu_cpu+=("$c"); tu_rss+=("$r")
  peaks+=("$(( peak / 1048576 + ts_rss[-1] + tu_rss[-1] ))")
  echo "tmpfs spool, run $run: together ${t_secs[-1]} s, tmpfs peak $(( peak / 1048576 )) MiB" >&2
  bench_empty_bucket
done
t=$(printf '%s\n' "${t_secs[@]}" | median)
row "tmpfs spool, chunk 512MiB, quota 2GiB" "$t" "$(printf '%s\n' "${ts_rss[@]}" | median) MiB" \
  "$(printf '%s\n' "${tu_rss[@]}" | median) MiB" "$(per_gib "${ts_cpu[@]}")" "$(per_gib "${tu_cpu[@]}")" "-"
printf 'tmpfs spool: peak memory (tmpfs use + spooler RSS + uploader RSS), median: %s MiB\n' "$(printf '%s\n' "${peaks[@]}" | median)"

printf '\nstream: %s bytes; overlap = together / slower stage alone (target <= 1.10); targets: peak RSS <= 256 MiB, spooler <= 1.5 CPU s/GiB\n' "$bytes"
