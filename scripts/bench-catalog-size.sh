#!/usr/bin/env bash
# Benchmark of the catalog's size (not a test): a source tree (a copy of /usr/include, or BENCH_SOURCE) in subvolume
# home, and a VM image in subvolume root (a sparse file of BENCH_IMAGE_MIB, default 1024, written by BENCH_WRITES,
# default 20000, random writes of 4 to 64 KiB, as a guest leaves its disk: many extents), each spooled as a full with
# [spool] catalog = yes. Prints per stream: files and extents (filefrag), the catalog's lines and stored bytes, bytes
# per file and per extent, and the catalog's share of the stream's stored bytes. Needs root; cleans up what it made.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

source_tree=${BENCH_SOURCE:-/usr/include}
image_mib=${BENCH_IMAGE_MIB:-1024}
writes=${BENCH_WRITES:-20000}
bash scripts/install-deps.sh
work=$(mktemp -d /var/tmp/btrfs_to_s3-bench-catalog-size.XXXXXX)
trap 'bash scripts/btrfs-fixture.sh teardown "$work" >/dev/null 2>&1 || true' EXIT

dotnet build Spooler -c Release -o "$work/bin" -v quiet -nologo >/dev/null
FIXTURE_SIZE=$(( image_mib / 1024 * 2 + 4 ))G FIXTURE_DATA_MIB=1 bash scripts/btrfs-fixture.sh setup "$work" >/dev/null
mnt=$work/mnt
cp -a "$source_tree" "$mnt/home/src"
python3 - "$mnt/root/vm-100-disk-0.raw" "$image_mib" "$writes" <<'PY'
import os, random, sys
path, mib, writes = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
random.seed(7)
with open(path, "wb") as f:
    f.truncate(mib * 1024 * 1024)
    for _ in range(writes):
        length = random.choice([4, 8, 16, 32, 64]) * 1024
        f.seek(random.randrange(0, mib * 1024 * 1024 - length) // 4096 * 4096)
        f.write(os.urandom(length))
        if random.random() < 0.02:
            f.flush(); os.fsync(f.fileno())
PY
sync

cat > "$work/bench.ini" <<INI
[subvolumes]
home = $mnt/home
root = $mnt/root
[snapshots]
dir = $mnt/.btrfs_to_s3
[spool]
dir = $work/spool
quota = $(( image_mib / 1024 * 2 + 2 ))GiB
chunk_size = 1GiB
catalog = yes
[state]
dir = $work/state
INI
dotnet "$work/bin/btrfs-to-s3-spooler.dll" --config "$work/bench.ini" > "$work/log" 2>&1 \
  || { cat "$work/log" >&2; exit 1; }

printf '\n%-26s %8s %9s %10s %12s %10s %11s %14s %9s\n' "stream (a full)" files extents "cat. lines" "catalog B" "B/file" "B/extent" "stored B" "share"
for subvolume in home root; do
  dir=$(ls -d "$work/spool/$subvolume".*)
  files=$(find "$mnt/$subvolume" -xdev -type f | wc -l)
  extents=$(find "$mnt/$subvolume" -xdev -type f -exec filefrag {} + | awk -F': ' '{ split($2, a, " "); s += a[1] } END { print s + 0 }')
  read -r lines size < <(python3 -c 'import json,sys; c=json.load(open(sys.argv[1]))["catalog"]; print(c["lines"], c["size"])' "$dir/seal.json")
  stored=$(python3 -c 'import json,sys; print(sum(c["size"] for c in json.load(open(sys.argv[1]))["chunks"]))' "$dir/seal.json")
  printf '%-26s %8s %9s %10s %12s %10.1f %11.1f %14s %8.3f%%\n' "$subvolume ($( [ "$subvolume" = home ] && echo source tree || echo VM image))" \
    "$files" "$extents" "$lines" "$size" "$(echo "$size / $files" | bc -l)" "$(echo "$size / $extents" | bc -l)" \
    "$stored" "$(echo "100 * $size / $stored" | bc -l)"
done
printf '\nsource tree: %s; VM image: %s MiB, %s random writes of 4-64 KiB; compression auto, no encryption\n' \
  "$source_tree" "$image_mib" "$writes"
