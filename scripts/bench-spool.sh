#!/usr/bin/env bash
# Benchmark of the spooler (not a test): on a loopback btrfs holding BENCH_GIB (default 3) GiB of incompressible
# data, the spooler's throughput beside `btrfs send > file; sync` of the same data to the same disk, the ratio,
# the spooler's peak RSS and CPU seconds per GiB, for chunk sizes BENCH_CHUNKS (default "256MiB 4GiB"). Medians of BENCH_RUNS
# (default 3) runs; page caches are dropped before each run, so every run reads the subvolume from disk. Each chunk size
# is run with [spool] catalog = yes and = no (BENCH_CATALOGS), alternating, for the catalog's cost.
# Needs root. Cleans up what it made.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

gib=${BENCH_GIB:-3}
runs=${BENCH_RUNS:-3}
catalogs=${BENCH_CATALOGS:-yes no}
catalog_line="none written (catalog = no)"
bash scripts/install-deps.sh
work=$(mktemp -d /var/tmp/btrfs_to_s3-bench.XXXXXX)
trap 'bash scripts/btrfs-fixture.sh teardown "$work" >/dev/null 2>&1 || true' EXIT

dotnet build Spooler -c Release -o "$work/bin" -v quiet -nologo >/dev/null
echo "setting up a loopback btrfs with $gib GiB of random data..." >&2
FIXTURE_SIZE=$(( gib * 2 + 2 ))G FIXTURE_DATA_MIB=$(( gib * 1024 )) bash scripts/btrfs-fixture.sh setup "$work" >/dev/null
snapshots=$work/mnt/.btrfs_to_s3
btrfs -q subvolume snapshot -r "$work/mnt/data" "$snapshots/data.20000101T000000Z"

cold() { sync; echo 3 > /proc/sys/vm/drop_caches; }
now() { date +%s.%N; }
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

baseline_secs=()
for _ in $(seq "$runs"); do
  cold
  start=$(now)
  btrfs send -q "$snapshots/data.20000101T000000Z" > "$work/spool/baseline.stream"
  sync
  baseline_secs+=("$(echo "$(now) - $start" | bc)")
  bytes=$(stat -c %s "$work/spool/baseline.stream")
  rm "$work/spool/baseline.stream"
done
baseline=$(printf '%s\n' "${baseline_secs[@]}" | median)
baseline_mbs=$(echo "scale=1; $bytes / $baseline / 1000000" | bc)

printf '\n%-34s %10s %10s %8s %10s %12s\n' "run (medians of $runs)" "seconds" "MB/s" "ratio" "peak RSS" "CPU s/GiB"
printf '%-34s %10.2f %10.1f %8s %10s %12s\n' "btrfs send > file; sync" "$baseline" "$baseline_mbs" "1.00" "-" "-"

for chunk in ${BENCH_CHUNKS:-256MiB 4GiB}; do
  # The catalog's cost is measured as an A/B of the same build: runs with catalog = yes and = no alternate, so that a
  # change in the disk's or the machine's speed over the runs falls on both.
  declare -A secs=() rss=() cpu=()
  for _ in $(seq "$runs"); do
    for catalog in $catalogs; do
      cat > "$work/bench.ini" <<INI
[subvolumes]
data = $work/mnt/data
[snapshots]
dir = $snapshots
[spool]
dir = $work/spool
quota = $(( gib * 2 + 4 ))GiB
chunk_size = $chunk
catalog = $catalog
[state]
dir = $work/state
INI
      cold
      start=$(now)
      dotnet "$work/bin/btrfs-to-s3-spooler.dll" --config "$work/bench.ini" --full > "$work/log" 2>&1
      secs[$catalog]+="$(echo "$(now) - $start" | bc) "
      line=$(grep "btrfs-to-s3-spooler finished (exit 0)" "$work/log") || { cat "$work/log" >&2; exit 1; }
      cpu[$catalog]+="$(echo "$line" | sed -E 's/.*, ([0-9.]+) CPU seconds.*/\1/') "
      rss[$catalog]+="$(echo "$line" | sed -E 's/.*peak RSS ([0-9]+) MiB.*/\1/') "
      sbytes=$(grep -o '"total_bytes": [0-9]*' "$work"/spool/data.*/seal.json | grep -o '[0-9]*$')
      if [ "$catalog" = yes ]; then
        catalog_line=$(grep -o 'catalog written ([0-9]* lines, [0-9]* bytes)' "$work/log" || echo "no catalog written")
      fi
      for dir in "$work"/spool/data.*; do
        btrfs -q subvolume delete "$snapshots/$(basename "$dir")"
        rm -rf "$dir"
      done
    done
  done
  for catalog in $catalogs; do
    s=$(printf '%s\n' ${secs[$catalog]} | median)
    c=$(printf '%s\n' ${cpu[$catalog]} | median)
    r=$(printf '%s\n' ${rss[$catalog]} | median)
    mbs=$(echo "scale=1; $sbytes / $s / 1000000" | bc)
    ratio=$(echo "scale=2; $baseline / $s" | bc)
    per_gib=$(echo "scale=2; $c / ($sbytes / 1073741824)" | bc)
    printf '%-34s %10.2f %10.1f %8s %7s MiB %12s\n' "spooler, $chunk, catalog $catalog" "$s" "$mbs" "$ratio" "$r" \
      "$per_gib"
  done
  unset secs rss cpu
done
printf '\n%s: %s\n' "catalog of the stream" "$catalog_line"
printf '\nstream: %s bytes; targets: ratio >= 0.95, peak RSS <= 256 MiB, <= 1.5 CPU s/GiB (the spooler process alone)\n' "$bytes"
