#!/usr/bin/env bash
# Benchmark of the uploader (not a test): the uploader's throughput beside `aws s3 cp` (Debian's awscli) of the same
# chunk files to the same local S3 server (scripts/local-s3.sh, a Ceph RGW), with the same part size and concurrency;
# the ratio, peak RSS and CPU seconds. The data is one full stream of BENCH_GIB (default 3) GiB of incompressible data,
# spooled once by the spooler in chunks of BENCH_CHUNK_MIB (default 1024) MiB; each run uploads it from a fresh copy of
# the spool. Medians of BENCH_RUNS (default 3) runs; page caches are dropped before each run, so every run reads the
# chunks from disk. BENCH_PART_MIB (default 64) and BENCH_CONCURRENCY (default 16) are [s3] part_size and concurrency,
# and awscli's multipart_chunksize and max_concurrent_requests.
# Needs root. Starts the local S3 server if it is not running (and then stops it at the end); cleans up what it made.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

gib=${BENCH_GIB:-3}
runs=${BENCH_RUNS:-3}
chunk_mib=${BENCH_CHUNK_MIB:-1024}
part_mib=${BENCH_PART_MIB:-64}
concurrency=${BENCH_CONCURRENCY:-16}

bash scripts/install-deps.sh

work=$(mktemp -d /var/tmp/btrfs_to_s3-bench-upload.XXXXXX)
source scripts/bench-lib.sh
bench_awscli
abort_uploads() {
  aws s3api list-multipart-uploads --bucket "$bench_bucket" --query 'Uploads[].[Key,UploadId]' --output text 2>/dev/null |
    while read -r key id; do
      [ "$key" = None ] || aws s3api abort-multipart-upload --bucket "$bench_bucket" --key "$key" --upload-id "$id" >/dev/null 2>&1
    done
}
trap 'abort_uploads || true; bench_cleanup' EXIT

# CPU seconds (user + system) the local S3 server's daemons have used so far.
server_cpu() {
  local total=0 d pid
  for d in rgw osd; do
    pid=$(cat "$local_s3_dir/run/$d.pid")
    total=$(( total + $(awk '{ print $14 + $15 }' "/proc/$pid/stat") ))
  done
  echo "scale=2; $total / $(getconf CLK_TCK)" | bc
}
# measure OUT CMD...: runs CMD and writes "wall-seconds cpu-seconds peak-rss-MiB" of it (and its children) to OUT.
measure() {
  /usr/bin/python3 - "$@" <<'PY'
import resource, subprocess, sys, time
out, cmd = sys.argv[1], sys.argv[2:]
start = time.monotonic()
code = subprocess.call(cmd)
wall = time.monotonic() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(out, "w") as f:
    f.write(f"{wall:.3f} {usage.ru_utime + usage.ru_stime:.2f} {usage.ru_maxrss // 1024}\n")
sys.exit(code)
PY
}

bench_setup_btrfs "$gib"
bench_setup_s3
bucket=$bench_bucket
"$aws_bin" configure set default.s3.multipart_chunksize $(( part_mib * 1048576 ))
"$aws_bin" configure set default.s3.multipart_threshold $(( part_mib * 1048576 + 1 ))
"$aws_bin" configure set default.s3.max_concurrent_requests "$concurrency"
bench_config "${chunk_mib}MiB" "$(( gib * 2 + 4 ))GiB" "part_size = ${part_mib}MiB
concurrency = $concurrency"

echo "spooling it..." >&2
dotnet "$work/bin/btrfs-to-s3-spooler.dll" --config "$work/bench.ini" --full > "$work/spooler.log" 2>&1 || { cat "$work/spooler.log" >&2; exit 1; }
# The uploader deletes chunks once verified and the stream once published: every run starts from this copy.
mkdir "$work/spool-copy" "$work/awscli-src"
cp -a "$work"/spool/data.* "$work/spool-copy/"
rm -rf "$work"/spool/data.*
# awscli uploads the same chunk files (hard links: no second copy on disk).
ln "$work"/spool-copy/data.*/chunk-?????? "$work/awscli-src/"
bytes=$(stat -c %s "$work"/awscli-src/chunk-?????? | paste -sd+ | bc)
chunks=$(find "$work/awscli-src" -type f | wc -l)

up_secs=(); up_rss=(); up_cpu=(); up_srv=(); cli_secs=(); cli_rss=(); cli_cpu=(); cli_srv=()
for run in $(seq "$runs"); do
  cp -a "$work"/spool-copy/data.* "$work/spool/"
  cold
  s0=$(server_cpu)
  measure "$work/measure" dotnet "$work/bin/btrfs-to-s3-uploader.dll" --config "$work/bench.ini" --once > "$work/uploader.log" 2>&1 ||
    { cat "$work/uploader.log" >&2; exit 1; }
  up_srv+=("$(echo "$(server_cpu) - $s0" | bc)")
  line=$(grep "btrfs-to-s3-uploader finished (exit 0)" "$work/uploader.log") || { cat "$work/uploader.log" >&2; exit 1; }
  if [ -n "$(find "$work/spool" -mindepth 1 ! -name '*.lock')" ]; then
    echo "the uploader left something in the spool:" >&2; ls -R "$work/spool" >&2; exit 1
  fi
  up_secs+=("$(cut -d' ' -f1 "$work/measure")")
  up_cpu+=("$(echo "$line" | sed -E 's/.*, ([0-9.]+) CPU seconds.*/\1/')")
  up_rss+=("$(echo "$line" | sed -E 's/.*peak RSS ([0-9]+) MiB.*/\1/')")
  echo "run $run: uploader ${up_secs[-1]} s ($(grep -oE 'run: .* MB/s' "$work/uploader.log")); per chunk:" \
    "$(grep 'verified in S3' "$work/uploader.log" | grep -oE '[0-9.]+ MB/s' | cut -d' ' -f1 | paste -sd' ') MB/s" >&2
  aws s3 rm --recursive --only-show-errors "s3://$bucket"
  rm -rf "${work:?}"/state/*
  gc

  cold
  s0=$(server_cpu)
  measure "$work/measure" "$aws_bin" --endpoint-url "$S3_ENDPOINT" s3 cp --recursive --only-show-errors --no-progress \
    --sse AES256 --storage-class DEEP_ARCHIVE "$work/awscli-src" "s3://$bucket/awscli/"
  cli_srv+=("$(echo "$(server_cpu) - $s0" | bc)")
  read -r s c r < "$work/measure"
  cli_secs+=("$s"); cli_cpu+=("$c"); cli_rss+=("$r")
  echo "run $run: awscli ${cli_secs[-1]} s" >&2
  [ "$(aws s3 ls --recursive "s3://$bucket/awscli/" | wc -l)" = "$chunks" ] || { echo "awscli did not upload every chunk" >&2; exit 1; }
  aws s3 rm --recursive --only-show-errors "s3://$bucket"
  gc
done

row() { # name seconds cpu rss server-cpu ratio
  printf '%-42s %9.2f %9.1f %7s %8s MiB %9s %13s\n' "$1" "$2" "$(echo "scale=1; $bytes / $2 / 1000000" | bc)" "$6" "$4" "$3" "$5"
}
cli_s=$(printf '%s\n' "${cli_secs[@]}" | median)
up_s=$(printf '%s\n' "${up_secs[@]}" | median)
ratio=$(printf '%.2f' "$(echo "scale=3; $cli_s / $up_s" | bc)")
rss=$(printf '%s\n' "${up_rss[@]}" | median)
verdict() { if [ "$1" = 1 ]; then echo met; else echo missed; fi; }
printf '\n%-42s %9s %9s %7s %12s %9s %13s\n' "tool (medians of $runs runs)" "seconds" "MB/s" "ratio" "peak RSS" "CPU s" "server CPU s"
row "aws s3 cp --recursive (awscli $("$aws_bin" --version | cut -d' ' -f1 | cut -d/ -f2))" "$cli_s" \
  "$(printf '%s\n' "${cli_cpu[@]}" | median)" "$(printf '%s\n' "${cli_rss[@]}" | median)" "$(printf '%s\n' "${cli_srv[@]}" | median)" "1.00"
row "btrfs-to-s3-uploader --once" "$up_s" \
  "$(printf '%s\n' "${up_cpu[@]}" | median)" "$rss" "$(printf '%s\n' "${up_srv[@]}" | median)" "$ratio"
printf '\n%s bytes in %s chunks of %s MiB; part size %s MiB, concurrency %s; server CPU: radosgw + ceph-osd during the run\n' \
  "$bytes" "$chunks" "$chunk_mib" "$part_mib" "$concurrency"
printf 'targets: uploader >= 1.2 x awscli: ratio %s (%s); uploader peak RSS <= 256 MiB: %s MiB (%s)\n' \
  "$ratio" "$(verdict "$(echo "$ratio >= 1.2" | bc)")" "$rss" "$(verdict "$(echo "$rss <= 256" | bc)")"
