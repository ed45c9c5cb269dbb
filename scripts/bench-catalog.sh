#!/usr/bin/env bash
# Benchmark of ls, find and diff (not a test; issue 27): the commands that read only catalogs, on backups of many small
# files. For each of BENCH_FILES (default "50000 100000 200000") files, a tree (scripts/bench-catalog-tree.py: about
# 100 files per directory, mostly 0-16 KiB, 1 % named *.dat) is backed up through the real spooler and uploader into
# the local S3 server (scripts/local-s3.sh) as a chain of a full and BENCH_INCREMENTALS (default 25) incrementals, each
# changing 1 % of the files (modified, added, removed, renamed; a leaf directory renamed every 5th). Chunks of
# BENCH_CHUNK_MIB (default 64) MiB, compression auto; with BENCH_ENCRYPT=1 encrypted with age to a key made here (and
# the commands given --identity). Then, medians of BENCH_RUNS (default 3) runs, the wall time, CPU time and peak RSS
# (/usr/bin/time) of:
#   ls of a directory of the newest snapshot; ls of the same directory in the chain's middle snapshot;
#   find SUBVOLUME '*.dat' (every snapshot); find --history of a file changed at every step; diff of the last two;
# each cold (<state dir>/catalogs emptied first: the catalogs are downloaded and checked) and then warm (the cache
# filled by the cold run). The page cache is not dropped: cold means the catalog cache, not the disk. `status`, which
# reads the pointer and every manifest of the chain as these commands do but no catalog, is timed beside them: the
# part of their time that is not the catalogs. The commands run as the package ships them, the uploader published as
# Native AOT (scripts/package.sh's profile); BENCH_AOT=0 runs `dotnet btrfs-to-s3-uploader.dll` (JIT) instead. Also the
# catalogs' sizes (from the manifests): per file, per stream, the full's against its stored stream, and the spooler's
# "catalog written" line for the full. Targets (issue 27): ls <= 2 s and find <= 10 s at 200,000 files, peak RSS <=
# 512 MiB. About 11 minutes on 2 cores with the defaults; try it first with BENCH_FILES=5000 BENCH_INCREMENTALS=3.
# Needs root. Starts the local S3 server if it is not running (and then stops it at the end); cleans up what it made.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

sizes=${BENCH_FILES:-50000 100000 200000}
incrementals=${BENCH_INCREMENTALS:-25}
runs=${BENCH_RUNS:-3}
chunk_mib=${BENCH_CHUNK_MIB:-64}
encrypt=${BENCH_ENCRYPT:-0}
aot=${BENCH_AOT:-1}
[ "$incrementals" -ge 1 ] || { echo "BENCH_INCREMENTALS must be at least 1 (diff compares the last two snapshots)" >&2; exit 64; }
largest=$(printf '%s\n' $sizes | sort -n | tail -1)
# The directory listed and the file whose history is asked for: bench-catalog-tree.py never renames or removes them.
ls_dir=s000/l01
tracked=s000/l00/tracked.log

bash scripts/install-deps.sh

work=$(mktemp -d /var/tmp/btrfs_to_s3-bench-catalog.XXXXXX)
source scripts/bench-lib.sh
trap bench_cleanup EXIT
mnt=$work/mnt
snapshots=$mnt/.btrfs_to_s3

dotnet build Spooler -c Release -o "$work/bin" -v quiet -nologo >/dev/null
dotnet build Uploader -c Release -o "$work/bin" -v quiet -nologo >/dev/null
# The backups are made by the JIT build (their speed is not measured here); the commands measured run as shipped.
browse=(dotnet "$work/bin/btrfs-to-s3-uploader.dll")
if [ "$aot" = 1 ]; then
  echo "publishing the uploader as Native AOT..." >&2
  dotnet publish Uploader -p:PublishProfile=linux-x64 -o "$work/aot" -v quiet -nologo >/dev/null
  browse=("$work/aot/btrfs-to-s3-uploader")
fi
# Not bench_setup_btrfs: its GiBs of random data would be in the way. The image is sparse; it holds the largest tree
# (about 1 GiB of data at 200,000 files, and their metadata) and what the snapshots of the chain keep besides.
echo "setting up a loopback btrfs..." >&2
FIXTURE_SIZE=$(( largest / 25000 + 4 ))G FIXTURE_DATA_MIB=0 FIXTURE_SMALL_FILES=0 \
  bash scripts/btrfs-fixture.sh setup "$work" >/dev/null
bench_setup_s3
identity=()
if [ "$encrypt" = 1 ]; then
  age-keygen -o "$work/key.txt" 2>/dev/null
  bench_config "${chunk_mib}MiB" "$(( largest / 50000 + 2 ))GiB" "" "[encryption]
recipients = $(age-keygen -y "$work/key.txt")"
  identity=(--identity "$work/key.txt")
else
  bench_config "${chunk_mib}MiB" "$(( largest / 50000 + 2 ))GiB"
fi

spooler() { dotnet "$work/bin/btrfs-to-s3-spooler.dll" --config "$work/bench.ini" "$@"; }
uploader() { dotnet "$work/bin/btrfs-to-s3-uploader.dll" --config "$work/bench.ini" "$@"; }

# One stream: a snapshot spooled and uploaded. Snapshot names have a resolution of one second; the uploader's run
# takes longer than that, but a fast machine must not make two snapshots in one second.
last_second=
backup() {
  while [ "$(date -u +%s)" = "$last_second" ]; do sleep 0.2; done
  last_second=$(date -u +%s)
  spooler > "$work/spooler.log" 2>&1 || { cat "$work/spooler.log" >&2; exit 1; }
  uploader --once > "$work/uploader.log" 2>&1 || { cat "$work/uploader.log" >&2; exit 1; }
}

# Fetches the current generation's pointer and manifests and prints, one line per stream in chain order:
# "stream kind catalog-bytes stored-bytes stream-bytes catalog-sha256" (sizes as the manifest says them).
chain_sizes() {
  python3 - "$S3_ENDPOINT" "$bench_bucket" <<'PY'
import json, os, subprocess, sys
endpoint, bucket = sys.argv[1], sys.argv[2]
def get(key):
    return subprocess.run(["curl", "-sf", "--aws-sigv4", f"aws:amz:{os.environ['AWS_REGION']}:s3",
                           "--user", f"{os.environ['AWS_ACCESS_KEY_ID']}:{os.environ['AWS_SECRET_ACCESS_KEY']}",
                           "-H", "x-amz-content-sha256: UNSIGNED-PAYLOAD", f"{endpoint}/{bucket}/{key}"],
                          capture_output=True, check=True).stdout
pointer = json.loads(get("backup/data/pointer.json"))
for key in pointer["generations"][-1]["manifests"]:
    m = json.loads(get(key))
    print(m["stream"], m["kind"], m["catalog"]["size"] if m.get("catalog") else 0,
          sum(c["size"] for c in m["chunks"]), m["total_bytes"], m["catalog"]["sha256"] if m.get("catalog") else "-")
PY
}

# measure NAME ARGS...: one run of the uploader command ARGS; appends "seconds rss-MiB cpu-seconds" to $work/m-NAME
# and keeps the output's line count in $work/lines-NAME.
measure() {
  local name=$1 secs kib user sys; shift
  /usr/bin/time -f "%e %M %U %S" -o "$work/time" "${browse[@]}" "$@" --config "$work/bench.ini" \
    > "$work/out" 2> "$work/err" || { echo "failed: uploader $*" >&2; cat "$work/err" >&2; exit 1; }
  read -r secs kib user sys < <(tail -1 "$work/time")
  echo "$secs $(( kib / 1024 )) $(echo "$user + $sys" | bc)" >> "$work/m-$name"
  wc -l < "$work/out" > "$work/lines-$name"
}
median_of() { cut -d' ' -f"$2" "$work/m-$1" | median; }

names=(status ls-new ls-old find history diff)
declare -A label=(
  [status]="status (pointer and manifests, no catalog)"
  [ls-new]="ls data:$ls_dir (newest)"
  [ls-old]="ls data@SNAPSHOT:$ls_dir (middle of chain)"
  [find]="find data '*.dat'"
  [history]="find data --history $tracked"
  [diff]="diff of the last two snapshots"
)
declare -A result=() target=([ls-new]=2 [ls-old]=2 [find]=10 [history]=10)
sizes_table=()

for files in $sizes; do
  echo "== $files files: making the tree..." >&2
  # A fresh subvolume, bucket and state for each size: the first run of each is a full of a new generation.
  bench_empty_bucket
  for snapshot in "$snapshots"/data.*; do
    if [ -e "$snapshot" ]; then btrfs -q subvolume delete "$snapshot"; fi
  done
  btrfs -q subvolume delete "$mnt/data"
  btrfs -q subvolume create "$mnt/data"
  rm -rf "${work:?}"/spool/data.*
  start=$(now)
  python3 scripts/bench-catalog-tree.py make "$mnt/data" "$files"
  sync
  echo "   made in $(printf '%.1f' "$(echo "$(now) - $start" | bc)") s ($(du -s --apparent-size -BM "$mnt/data" | cut -f1)); the full..." >&2
  start=$(now)
  backup
  catalog_line=$(grep -o 'catalog written ([0-9]* lines, [0-9]* bytes)' "$work/spooler.log" || echo "no catalog written")
  full_secs=$(echo "$(now) - $start" | bc)
  echo "   full spooled and uploaded in $(printf '%.1f' "$full_secs") s; $incrementals incrementals..." >&2
  start=$(now)
  for step in $(seq "$incrementals"); do
    python3 scripts/bench-catalog-tree.py change "$mnt/data" "$step"
    backup
  done
  inc_secs=$(echo "scale=1; ($(now) - $start) / $incrementals" | bc)
  echo "   $incrementals incrementals, $inc_secs s each (change, spool, upload)" >&2

  chain_sizes > "$work/chain"
  [ "$(wc -l < "$work/chain")" = $(( incrementals + 1 )) ] || { echo "the chain is not a full and $incrementals incrementals:" >&2; cat "$work/chain" >&2; exit 1; }
  mapfile -t streams < <(cut -d' ' -f1 "$work/chain")
  middle=${streams[$(( (incrementals + 1) / 2 ))]}
  read -r _ _ full_catalog full_stored full_stream full_sha < <(head -1 "$work/chain")
  inc_catalog=$(tail -n +2 "$work/chain" | awk '{ s += $3 } END { printf "%.0f", s / NR }')
  all_catalog=$(awk '{ s += $3 } END { print s }' "$work/chain")

  rm -f "$work"/m-* "$work"/lines-*
  for run in $(seq "$runs"); do
    echo "   run $run of $runs: ls, find, diff, cold and warm..." >&2
    for name in "${names[@]}"; do
      case $name in
        status) args=(status) ;;
        ls-new) args=(ls "data:$ls_dir" "${identity[@]}") ;;
        ls-old) args=(ls "data@$middle:$ls_dir" "${identity[@]}") ;;
        find) args=(find data '*.dat' "${identity[@]}") ;;
        history) args=(find data --history "$tracked" "${identity[@]}") ;;
        diff) args=(diff "${streams[-2]}" "${streams[-1]}" "${identity[@]}") ;;
      esac
      rm -rf "${work:?}/state/catalogs"
      measure "$name-cold" "${args[@]}"
      measure "$name-warm" "${args[@]}"
    done
  done
  for name in "${names[@]}"; do
    result[$name,$files]="$(median_of "$name-cold" 1) $(median_of "$name-cold" 2) $(median_of "$name-warm" 1) $(median_of "$name-warm" 2) $(median_of "$name-warm" 3) $(cat "$work/lines-$name-warm")"
  done

  # The full's catalog as JSON lines, decoded from the cache (not possible here when encrypted: age needs the key).
  json_bytes=-
  if [ "$encrypt" != 1 ] && [ -f "$work/state/catalogs/$full_sha" ]; then
    json_bytes=$(zstd -dcq "$work/state/catalogs/$full_sha" | wc -c)
  fi
  sizes_table+=("$(printf '%-8s %12s %8.1f %10s %12s %11s %14s %9.4f %12s %9.1f %9.1f' "$files" "$full_catalog" \
    "$(echo "scale=2; $full_catalog / $files" | bc)" "$json_bytes" "$inc_catalog" "$all_catalog" "$full_stored" \
    "$(echo "scale=6; $full_catalog / $full_stored" | bc)" "$full_stream" "$full_secs" "$inc_secs")")
  sizes_table+=("         full's spooler: $catalog_line; middle snapshot $middle")
done

verdict() { if [ "$(echo "$1 <= $2" | bc)" = 1 ]; then echo met; else echo missed; fi; }
printf '\n%-44s %8s %8s %9s %8s %9s %8s %8s  %s\n' "command (medians of $runs runs)" files "cold s" "cold RSS" "warm s" \
  "warm RSS" "warm CPU" lines "target at $largest files"
for name in "${names[@]}"; do
  for files in $sizes; do
    read -r cs cr ws wr wc lines <<< "${result[$name,$files]}"
    t=-
    if [ "$files" = "$largest" ] && [ -n "${target[$name]:-}" ]; then
      t="<= ${target[$name]} s: warm $(verdict "$ws" "${target[$name]}"), cold $(verdict "$cs" "${target[$name]}")"
    fi
    printf '%-44s %8s %8.2f %5s MiB %8.2f %5s MiB %8.2f %8s  %s\n' "${label[$name]}" "$files" "$cs" "$cr" "$ws" "$wr" "$wc" "$lines" "$t"
  done
done
max_rss=$(for key in "${!result[@]}"; do read -r _ cr _ wr _ _ <<< "${result[$key]}"; printf '%s\n%s\n' "$cr" "$wr"; done | sort -n | tail -1)
printf '\npeak RSS of every command at every size <= 512 MiB: largest %s MiB (%s)\n' "$max_rss" "$(verdict "$max_rss" 512)"

printf '\n%-8s %12s %8s %10s %12s %11s %14s %9s %12s %9s %9s\n' files "full catalog" "B/file" "full JSON" \
  "incr. catalog" "all catalogs" "full stored" "cat/stored" "full stream" "full s" "incr. s"
printf '%s\n' "${sizes_table[@]}"
printf 'catalog sizes in bytes as stored (zstd:3%s); incr. catalog: the mean of the %s incrementals; all catalogs: the chain of %s streams\n' \
  "$([ "$encrypt" = 1 ] && echo ', age' || true)" "$incrementals" "$(( incrementals + 1 ))"
printf 'full s: the full spooled and uploaded; incr. s: each incremental changed, spooled and uploaded; chunks of %s MiB, compression auto, encryption %s\n' \
  "$chunk_mib" "$([ "$encrypt" = 1 ] && echo age || echo none)"
printf 'commands run by %s\n' "$([ "$aot" = 1 ] && echo "the uploader published as Native AOT (as packaged)" || echo "dotnet btrfs-to-s3-uploader.dll (JIT)")"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), kernel $(uname -r), $(dotnet --version | sed 's/^/.NET SDK /'), $(date -u +%Y-%m-%d)"
