#!/usr/bin/env bash
# The demo (README's first set-up command): on a loopback btrfs and the local S3 server, a full and an incremental
# backup of three subvolumes through the spooler and the uploader running side by side, then a restore of the
# chain by the pointer: download, verify every SHA-256, btrfs receive, compare with the source.
# Needs root. Cleans up everything it made (and stops the S3 server if it started it), also when it fails.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

bash scripts/install-deps.sh
work=$(mktemp -d /tmp/btrfs_to_s3-demo.XXXXXX)
bucket=btrfs-to-s3-demo-$(date +%s)
started_s3=0
if ! bash scripts/local-s3.sh status >/dev/null 2>&1; then started_s3=1; fi
eval "$(bash scripts/local-s3.sh start)"
export AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_REGION AWS_EC2_METADATA_DISABLED

# The local server speaks S3 with SigV4; curl signs requests itself, so the demo needs no S3 client of its own.
s3() {
  local method=$1 path=$2; shift 2
  curl -sfS --aws-sigv4 "aws:amz:$AWS_REGION:s3" --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" \
    -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" -X "$method" "$S3_ENDPOINT/$bucket$path" "$@"
}
keys() { s3 GET "/?list-type=2&prefix=${1//\//%2F}" | grep -o '<Key>[^<]*</Key>' | sed 's/<[^>]*>//g'; }
cleanup() {
  for key in $(keys "" 2>/dev/null); do s3 DELETE "/$key" >/dev/null 2>&1 || true; done
  s3 DELETE "" >/dev/null 2>&1 || true
  bash scripts/btrfs-fixture.sh teardown "$work" >/dev/null 2>&1 || true
  if [ "$started_s3" = 1 ]; then bash scripts/local-s3.sh stop >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT
step() { printf '\n== %s\n' "$*"; }

step "build"
dotnet build Spooler -c Release -o "$work/bin" -v quiet -nologo >/dev/null
dotnet build Uploader -c Release -o "$work/bin" -v quiet -nologo >/dev/null

step "a loopback btrfs with subvolumes data, root and home; bucket $bucket on the local S3 server"
FIXTURE_DATA_MIB=64 bash scripts/btrfs-fixture.sh setup "$work"
s3 PUT "" >/dev/null
cat > "$work/btrfs_to_s3.ini" <<INI
[subvolumes]
data = $work/mnt/data
root = $work/mnt/root
home = $work/mnt/home
[snapshots]
dir = $work/mnt/.btrfs_to_s3
[spool]
dir = $work/spool
quota = 48MiB
chunk_size = 16MiB
[state]
dir = $work/state
[s3]
bucket = $bucket
endpoint = $S3_ENDPOINT
prefix = demo/
part_size = 8MiB
request_checksum_calculation = when_required
[uploader]
linger = 30s
INI
backup() {
  # The pair as systemd runs it: the uploader drains while the spooler produces (the quota holds three chunks).
  dotnet "$work/bin/btrfs-to-s3-uploader.dll" --config "$work/btrfs_to_s3.ini" > "$work/uploader.log" 2>&1 &
  local uploader=$!
  dotnet "$work/bin/btrfs-to-s3-spooler.dll" --config "$work/btrfs_to_s3.ini" "$@" 2>&1 | grep -E "stream, because|pausing|resuming|sealed|finished"
  wait "$uploader" || { cat "$work/uploader.log"; exit 1; }
  grep -E "published|run:|finished" "$work/uploader.log"
}

step "backup 1: full streams"
backup

step "change data, then backup 2: incrementals chained on what was published"
echo "changed" >> "$work/mnt/data/docs/doc1.txt"
rm "$work/mnt/data/docs/doc2.txt"
head -c $((5 * 1024 * 1024)) /dev/urandom > "$work/mnt/data/new.bin"
backup

step "status"
dotnet "$work/bin/btrfs-to-s3-uploader.dll" status --config "$work/btrfs_to_s3.ini" 2>/dev/null

step "what is in S3"
keys demo/
echo; s3 GET /demo/data/pointer.json

step "restore data by its pointer: download, verify every SHA-256, btrfs receive the chain in order"
mkdir -p "$work/mnt/restored" "$work/dl"
s3 GET /demo/data/pointer.json > "$work/dl/pointer.json"
last=""
for manifest in $(python3 -c 'import json,sys; [print(k) for k in json.load(open(sys.argv[1]))["generations"][-1]["manifests"]]' "$work/dl/pointer.json"); do
  s3 GET "/$manifest" > "$work/dl/manifest.json"
  : > "$work/dl/stream"
  while read -r key sha; do
    s3 GET "/$key" > "$work/dl/chunk"
    [ "$(sha256sum < "$work/dl/chunk" | cut -d' ' -f1)" = "$sha" ] || { echo "$key: SHA-256 mismatch" >&2; exit 1; }
    cat "$work/dl/chunk" >> "$work/dl/stream"
  done < <(python3 -c 'import json,sys; [print(c["key"], c["sha256"]) for c in json.load(open(sys.argv[1]))["chunks"]]' "$work/dl/manifest.json")
  last=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["snapshot"]["name"])' "$work/dl/manifest.json")
  btrfs receive -q -f "$work/dl/stream" "$work/mnt/restored"
  echo "received $last ($(stat -c %s "$work/dl/stream") bytes, every chunk's SHA-256 verified)"
done
diff -r --no-dereference "$work/mnt/data" "$work/mnt/restored/$last"
printf '\ndemo finished: the restored %s is identical to the live subvolume data\n' "$last"
