#!/usr/bin/env bash
# Benchmark of restore (not a test): `btrfs-to-s3-uploader restore` beside a plain download of the same objects piped
# into btrfs receive (awscli `s3 cp ... -` of each chunk in order | btrfs receive), from the local S3 server
# (scripts/local-s3.sh) into a fresh loopback btrfs. BENCH_GIB (default 2) GiB of incompressible data in chunks of
# BENCH_CHUNK_MIB (default 512) MiB, part size 64 MiB, concurrency 16; medians of BENCH_RUNS (default 3) runs, page
# caches dropped before each. The chunks are encoded as the configuration's defaults say (compression auto), and with
# BENCH_ENCRYPT=1 encrypted with age to a key made here; the plain pipe decodes each as docs/FORMAT.md's "Restoring by
# hand" does (age -d where encrypted, then zstd -d where compressed). Target: restore >= 0.9 x the plain pipe.
# Needs root; cleans up what it made.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

gib=${BENCH_GIB:-2}
runs=${BENCH_RUNS:-3}
chunk_mib=${BENCH_CHUNK_MIB:-512}
bash scripts/install-deps.sh

work=$(mktemp -d /var/tmp/btrfs_to_s3-bench-restore.XXXXXX)
source scripts/bench-lib.sh
bench_awscli
trap 'mountpoint -q "$work/target" && umount "$work/target"; bench_cleanup' EXIT
bench_setup_btrfs "$gib"
bench_setup_s3
bucket=$bench_bucket

echo "backing it up..." >&2
identity=()
if [ "${BENCH_ENCRYPT:-0}" = 1 ]; then
  age-keygen -o "$work/key.txt" 2>/dev/null
  bench_config "${chunk_mib}MiB" "$(( gib * 2 + 2 ))GiB" "" "[encryption]
recipients = $(age-keygen -y "$work/key.txt")"
  identity=(--identity "$work/key.txt")
else
  bench_config "${chunk_mib}MiB" "$(( gib * 2 + 2 ))GiB"
fi
dotnet "$work/bin/btrfs-to-s3-spooler.dll" --config "$work/bench.ini" > "$work/log" 2>&1 || { cat "$work/log" >&2; exit 1; }
dotnet "$work/bin/btrfs-to-s3-uploader.dll" --config "$work/bench.ini" > "$work/log" 2>&1 || { cat "$work/log" >&2; exit 1; }
manifest=$(aws s3 cp "s3://$bucket/backup/data/pointer.json" - | python3 -c 'import json,sys; print(json.load(sys.stdin)["generations"][-1]["manifests"][0])')
aws s3 cp "s3://$bucket/$manifest" "$work/manifest.json" >/dev/null
keys=$(python3 -c 'import json,sys; [print(c["key"]) for c in json.load(open(sys.argv[1]))["chunks"]]' "$work/manifest.json")
bytes=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["total_bytes"])' "$work/manifest.json")
compression=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["compression"])' "$work/manifest.json")
encryption=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["encryption"])' "$work/manifest.json")

# One chunk's stored bytes on stdin, its stream bytes on stdout, as docs/FORMAT.md says a person decodes it.
decode() {
  if [ "$encryption" = age ]; then age -d -i "$work/key.txt"; else cat; fi |
    if [ "$compression" != none ]; then zstd -dcq; else cat; fi
}

fresh_target() {
  if mountpoint -q "$work/target"; then umount "$work/target"; fi
  rm -f "$work/target.img"; truncate -s $(( gib * 2 + 2 ))G "$work/target.img"
  mkfs.btrfs -q -f "$work/target.img" >/dev/null; mkdir -p "$work/target"; mount -o loop "$work/target.img" "$work/target"
}

tool_secs=(); plain_secs=(); rss=()
for _ in $(seq "$runs"); do
  fresh_target; cold; start=$(now)
  dotnet "$work/bin/btrfs-to-s3-uploader.dll" restore --config "$work/bench.ini" --subvolume data --target "$work/target" "${identity[@]}" > "$work/restore.log" 2>&1 ||
    { cat "$work/restore.log" >&2; exit 1; }
  tool_secs+=("$(echo "$(now) - $start" | bc)")
  rss+=("$(grep -o 'peak RSS [0-9]*' "$work/restore.log" | grep -o '[0-9]*$')")

  fresh_target; cold; start=$(now)
  for key in $keys; do aws s3 cp "s3://$bucket/$key" - | decode; done | btrfs receive -q "$work/target"
  plain_secs+=("$(echo "$(now) - $start" | bc)")
done
t=$(printf '%s\n' "${tool_secs[@]}" | median); p=$(printf '%s\n' "${plain_secs[@]}" | median); r=$(printf '%s\n' "${rss[@]}" | median)
printf '\n%-52s %9s %9s %7s %9s\n' "run (medians of $runs, $bytes bytes, $compression, $encryption)" seconds MB/s ratio "peak RSS"
printf '%-52s %9.2f %9.1f %7s %9s\n' "aws s3 cp - | decode, each chunk | btrfs receive" "$p" "$(echo "scale=1; $bytes / $p / 1000000" | bc)" 1.00 -
printf '%-52s %9.2f %9.1f %7.2f %5s MiB\n' "btrfs-to-s3-uploader restore (verify, then receive)" "$t" "$(echo "scale=1; $bytes / $t / 1000000" | bc)" "$(echo "scale=2; $p / $t" | bc)" "$r"
echo "target: restore >= 0.9 x the plain pipe (which verifies nothing)"
