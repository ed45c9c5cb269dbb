# Shared by the benchmarks (sourced, not run): a loopback btrfs with incompressible data, a bucket of their own on the
# local S3 server, a configuration for both, cold caches, medians, and the figures the programs print at their end.
# Callers set `work` (a fresh directory under /var/tmp) before sourcing, and call bench_cleanup from their EXIT trap.

local_s3_dir=${LOCAL_S3_DIR:-/var/tmp/btrfs_to_s3-local-s3}
bench_started_s3=0
bench_bucket=

cold() { sync; echo 3 > /proc/sys/vm/drop_caches; }
now() { date +%s.%N; }
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
# RGW deletes object data only in its garbage collection, hours later by default: run it now, so repeated runs do not
# fill the server's OSD.
gc() { radosgw-admin -c "$local_s3_dir/ceph.conf" gc process --include-all >/dev/null 2>&1 || true; }

# The "finished (exit 0), X CPU seconds, peak RSS N MiB" line of a log: prints "cpu rss", or fails showing the log.
finished() {
  local line
  line=$(grep -E "btrfs-to-s3-(spooler|uploader) finished \(exit 0\)" "$1") || { cat "$1" >&2; return 1; }
  echo "$(echo "$line" | sed -E 's/.*, ([0-9.]+) CPU seconds.*/\1/') $(echo "$line" | sed -E 's/.*peak RSS ([0-9]+) MiB.*/\1/')"
}

# Builds both programs into $work/bin and makes a loopback btrfs with $1 GiB of random data in subvolume data.
bench_setup_btrfs() {
  dotnet build Spooler -c Release -o "$work/bin" -v quiet -nologo >/dev/null
  dotnet build Uploader -c Release -o "$work/bin" -v quiet -nologo >/dev/null
  echo "setting up a loopback btrfs with $1 GiB of random data..." >&2
  FIXTURE_SIZE=$(( $1 * 2 + 2 ))G FIXTURE_DATA_MIB=$(( $1 * 1024 )) bash scripts/btrfs-fixture.sh setup "$work" >/dev/null
}

# Starts the local S3 server unless it runs, exports its endpoint and keys, and makes an empty bucket.
bench_setup_s3() {
  if ! bash scripts/local-s3.sh status >/dev/null 2>&1; then
    echo "starting the local S3 server..." >&2
    bench_started_s3=1
  fi
  set -a; eval "$(bash scripts/local-s3.sh start)"; set +a
  bench_bucket=btrfs-to-s3-bench-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')
  curl -sf -X PUT --aws-sigv4 "aws:amz:$AWS_REGION:s3" --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" \
    -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" "$S3_ENDPOINT/$bench_bucket" >/dev/null
}

# Debian's awscli, not whatever `aws` comes first on PATH (e.g. a pyenv awscli v1), for the benchmarks that compare
# against it: installed if missing, with a configuration of its own in $work. `aws` runs it against the local server.
aws_bin=/usr/bin/aws
bench_awscli() {
  if [ ! -x "$aws_bin" ]; then
    echo "installing awscli (Debian package)..." >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -qq --no-install-recommends awscli >&2 || { apt-get update -qq >&2; apt-get install -y -qq --no-install-recommends awscli >&2; }
  fi
  export AWS_CONFIG_FILE=$work/aws-config AWS_SHARED_CREDENTIALS_FILE=$work/aws-credentials AWS_PAGER=""
}
aws() { "$aws_bin" --endpoint-url "$S3_ENDPOINT" "$@"; }

# Writes $work/bench.ini: chunk size $1, quota $2, extra lines for [s3] ($3, e.g. "part_size = 64MiB"), and extra
# sections at the end ($4, e.g. "[encryption]" and its recipients).
bench_config() {
  cat > "$work/bench.ini" <<INI
[subvolumes]
data = $work/mnt/data
[snapshots]
dir = $work/mnt/.btrfs_to_s3
[spool]
dir = $work/spool
quota = $2
chunk_size = $1
[state]
dir = $work/state
[s3]
bucket = $bench_bucket
endpoint = $S3_ENDPOINT
prefix = backup/
request_checksum_calculation = when_required
${3:-}
[uploader]
linger = 0s
[retention]
min_age_days = 0
${4:-}
INI
}

# Deletes everything under the bucket's prefix (and the local state), so that the next run sends a full again.
bench_empty_bucket() {
  python3 - "$S3_ENDPOINT" "$bench_bucket" <<'PY'
import subprocess, sys, re, os
endpoint, bucket = sys.argv[1], sys.argv[2]
def curl(*args):
    return subprocess.run(["curl", "-sf", "--aws-sigv4", f"aws:amz:{os.environ['AWS_REGION']}:s3",
                           "--user", f"{os.environ['AWS_ACCESS_KEY_ID']}:{os.environ['AWS_SECRET_ACCESS_KEY']}",
                           "-H", "x-amz-content-sha256: UNSIGNED-PAYLOAD", *args], capture_output=True, text=True, check=True).stdout
while True:
    keys = re.findall(r"<Key>([^<]+)</Key>", curl(f"{endpoint}/{bucket}?list-type=2"))
    if not keys:
        break
    for key in keys:
        curl("-X", "DELETE", f"{endpoint}/{bucket}/{key}")
PY
  rm -rf "${work:?}"/state/*
  gc
}

bench_cleanup() {
  set +e
  if [ -n "$bench_bucket" ]; then
    bench_empty_bucket
    curl -sf -X DELETE --aws-sigv4 "aws:amz:$AWS_REGION:s3" --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" \
      -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" "$S3_ENDPOINT/$bench_bucket" >/dev/null
    gc
  fi
  bash scripts/btrfs-fixture.sh teardown "$work" >/dev/null 2>&1
  if [ "$bench_started_s3" = 1 ]; then bash scripts/local-s3.sh stop >/dev/null 2>&1; fi
}
