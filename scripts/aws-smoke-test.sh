#!/usr/bin/env bash
# A cheap end-to-end check against real AWS S3, with your credentials (the SDK's default chain: AWS_PROFILE,
# AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, instance role) and region (AWS_REGION or --region):
#
#   sudo -E scripts/aws-smoke-test.sh BUCKET [REGION]
#
# On a loopback btrfs it runs a small full and an incremental through the spooler and the uploader into
# s3://BUCKET/btrfs_to_s3-smoke-<time>/ with both storage classes overridden to STANDARD (no Deep Archive
# minimum-storage charge), runs `btrfs-to-s3-uploader check`, downloads every published chunk by the pointer,
# checks each SHA-256, receives the chain with btrfs receive and compares it with the source; then deletes
# everything it created in the bucket. A few MiB of requests: well under a cent. Needs root, awscli and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 1 ] || { echo "usage: $0 BUCKET [REGION]" >&2; exit 64; }
bucket=$1
region=${2:-${AWS_REGION:-${AWS_DEFAULT_REGION:-}}}
[ -n "$region" ] || { echo "aws-smoke-test: give the bucket's region (argument or AWS_REGION)" >&2; exit 64; }
aws=$(command -v /usr/bin/aws || command -v aws) || { echo "aws-smoke-test: awscli is needed (apt-get install awscli)" >&2; exit 69; }
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 AWS_REGION=$region

bash scripts/install-deps.sh
prefix="btrfs_to_s3-smoke-$(date -u +%Y%m%dT%H%M%SZ)/"
work=$(mktemp -d /tmp/btrfs_to_s3-smoke.XXXXXX)
cleanup() {
  "$aws" s3 rm --recursive --quiet "s3://$bucket/$prefix" || echo "aws-smoke-test: could not delete s3://$bucket/$prefix; delete it by hand" >&2
  bash scripts/btrfs-fixture.sh teardown "$work" >/dev/null 2>&1 || true
}
trap cleanup EXIT

dotnet build Spooler -c Release -o "$work/bin" -v quiet -nologo >/dev/null
dotnet build Uploader -c Release -o "$work/bin" -v quiet -nologo >/dev/null
FIXTURE_DATA_MIB=24 bash scripts/btrfs-fixture.sh setup "$work" >/dev/null
cat > "$work/smoke.ini" <<INI
[subvolumes]
data = $work/mnt/data
[snapshots]
dir = $work/mnt/.btrfs_to_s3
[spool]
dir = $work/spool
quota = 1GiB
chunk_size = 16MiB
[state]
dir = $work/state
[s3]
bucket = $bucket
region = $region
prefix = $prefix
storage_class_data = STANDARD
storage_class_metadata = STANDARD
part_size = 5MiB
[uploader]
linger = 0s
INI
spooler() { dotnet "$work/bin/btrfs-to-s3-spooler.dll" --config "$work/smoke.ini" "$@"; }
uploader() { dotnet "$work/bin/btrfs-to-s3-uploader.dll" --config "$work/smoke.ini" "$@"; }

echo "== check"; uploader check
echo "== full"; spooler; uploader
echo "more" >> "$work/mnt/data/docs/doc1.txt"; head -c 3000000 /dev/urandom > "$work/mnt/data/new.bin"
echo "== incremental"; spooler; uploader

echo "== download by the pointer, verify, receive"
mkdir -p "$work/dl" "$work/mnt/restored"
"$aws" s3 cp --quiet "s3://$bucket/${prefix}data/pointer.json" "$work/dl/pointer.json"
python3 - "$work/dl/pointer.json" > "$work/dl/manifests" <<'PY'
import json, sys
pointer = json.load(open(sys.argv[1]))
for key in pointer["generations"][-1]["manifests"]:
    print(key)
PY
last=""
while read -r key; do
  "$aws" s3 cp --quiet "s3://$bucket/$key" "$work/dl/manifest.json"
  python3 - "$work/dl/manifest.json" > "$work/dl/chunks" <<'PY'
import json, sys
manifest = json.load(open(sys.argv[1]))
for chunk in manifest["chunks"]:
    print(chunk["key"], chunk["sha256"])
print("SNAPSHOT", manifest["snapshot"]["name"])
PY
  : > "$work/dl/stream"
  while read -r chunk sha; do
    if [ "$chunk" = SNAPSHOT ]; then last=$sha; continue; fi
    "$aws" s3 cp --quiet "s3://$bucket/$chunk" "$work/dl/chunk"
    [ "$(sha256sum "$work/dl/chunk" | cut -d' ' -f1)" = "$sha" ] || { echo "aws-smoke-test: $chunk: SHA-256 mismatch" >&2; exit 65; }
    cat "$work/dl/chunk" >> "$work/dl/stream"
  done < "$work/dl/chunks"
  btrfs receive -q -f "$work/dl/stream" "$work/mnt/restored"
done < "$work/dl/manifests"
diff -r --no-dereference "$work/mnt/data" "$work/mnt/restored/$last"
echo "aws-smoke-test: passed: full + incremental published, every chunk verified, received identical to the source"
