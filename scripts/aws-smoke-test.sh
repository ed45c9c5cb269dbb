#!/usr/bin/env bash
# A cheap end-to-end check against real AWS S3, with your credentials (the SDK's default chain: AWS_PROFILE,
# AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, instance role) and region (AWS_REGION or --region):
#
#   sudo -E scripts/aws-smoke-test.sh [--deep-archive] BUCKET [REGION]
#
# First `btrfs-to-s3-uploader check` (settings, the bucket's rules, versioning and Object Lock, and every permission
# the uploader needs, tried on probe keys). Then, on a loopback btrfs, a small full and an incremental through the
# spooler and the uploader into s3://BUCKET/btrfs_to_s3-smoke-<time>/ with both storage classes overridden to
# STANDARD (no Deep Archive minimum-storage charge); every published chunk is downloaded by the pointer, its SHA-256
# checked, and the chain received with btrfs receive and compared with the source. A few MiB of requests: well
# under a cent.
#
# --deep-archive (or SMOKE_DEEP_ARCHIVE=1) adds what only AWS can show: `check --archive-probe` in DEEP_ARCHIVE, then
# an object of 4 KiB PUT in DEEP_ARCHIVE, its HEAD showing that class, a Bulk RestoreObject accepted (202), the HEAD
# then showing x-amz-restore: ongoing-request="true", and the object deleted. Its cost: two tiny Deep Archive
# objects billed for the 180-day minimum (with S3's 40 KB of per-object overhead) and one Bulk restore request:
# fractions of a cent. The restore is never waited for (up to 48 h); deleting the object ends it.
#
# Everything created in the bucket is deleted at the end, whatever happened. The last lines are a short report
# (tool and SDK versions, region, the bucket's versioning and Object Lock, each step ok or failed) to paste into a
# bug report; it names neither the bucket nor any credential. Needs root, awscli and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
deep_archive=${SMOKE_DEEP_ARCHIVE:-0}
if [ "${1:-}" = --deep-archive ]; then
  deep_archive=1
  shift
fi
[ $# -ge 1 ] || { echo "usage: $0 [--deep-archive] BUCKET [REGION]" >&2; exit 64; }
bucket=$1
region=${2:-${AWS_REGION:-${AWS_DEFAULT_REGION:-}}}
[ -n "$region" ] || { echo "aws-smoke-test: give the bucket's region (argument or AWS_REGION)" >&2; exit 64; }
aws=$(command -v /usr/bin/aws || command -v aws) || { echo "aws-smoke-test: awscli is needed (apt-get install awscli)" >&2; exit 69; }
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 AWS_REGION=$region

prefix="btrfs_to_s3-smoke-$(date -u +%Y%m%dT%H%M%SZ)/"
work=$(mktemp -d /tmp/btrfs_to_s3-smoke.XXXXXX)
steps=()
passed=0

record() { steps+=("$(printf '%-13s %s' "$1" "$2")"); }

# step NAME COMMAND...: runs one step and records ok or FAILED; a failed step ends the test (the report still prints).
step() {
  local name=$1 rc=0
  shift
  echo "== $name"
  "$@" || rc=$?
  if [ "$rc" = 0 ]; then
    record ok "$name"
  else
    record FAILED "$name (exit $rc)"
    exit "$rc"
  fi
}

# The text of one of check's lines (its label padded to 24 columns), or "?" when check did not print it.
from_check() {
  local text
  text=$(grep -m1 "^$1 " "$work/check.txt" 2>/dev/null | cut -c25- | cut -c1-160 || true)
  echo "${text:-?}"
}

report() {
  local line
  echo
  echo "---- btrfs_to_s3 AWS smoke test report ----"
  echo "tool          $(git describe --always --dirty 2>/dev/null || echo unknown) ($(git rev-parse --abbrev-ref HEAD 2>/dev/null || echo ?))"
  echo "dotnet        $(dotnet --version 2>/dev/null || echo ?)"
  echo "sdk           $(from_check "AWS SDK")"
  echo "region        $region"
  echo "versioning    $(from_check versioning)"
  echo "object lock   $(from_check "object lock")"
  echo "abort rule    $(from_check "abort incomplete MPU")"
  echo "deep archive  $([ "$deep_archive" = 1 ] && echo asked || echo "not asked (--deep-archive)")"
  for line in "${steps[@]}"; do
    echo "$line"
  done
  echo "result        $([ "$passed" = 1 ] && echo passed || echo FAILED)"
  echo "----"
}

cleanup() {
  "$aws" s3 rm --recursive --quiet "s3://$bucket/$prefix" || echo "aws-smoke-test: could not delete s3://$bucket/$prefix; delete it by hand" >&2
  report
  bash scripts/btrfs-fixture.sh teardown "$work" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

bash scripts/install-deps.sh
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
spooler() { dotnet "$work/bin/btrfs-to-s3-spooler.dll" --config "$work/smoke.ini"; }
uploader() { dotnet "$work/bin/btrfs-to-s3-uploader.dll" --config "$work/smoke.ini" "$@"; }

check() { uploader check | tee "$work/check.txt"; }

backup() { spooler && uploader; }

change() {
  echo "more" >> "$work/mnt/data/docs/doc1.txt"
  head -c 3000000 /dev/urandom > "$work/mnt/data/new.bin"
  backup
}

download_verify_receive() {
  mkdir -p "$work/dl" "$work/mnt/restored"
  "$aws" s3 cp --quiet "s3://$bucket/${prefix}data/pointer.json" "$work/dl/pointer.json"
  python3 - "$work/dl/pointer.json" > "$work/dl/manifests" <<'PY'
import json, sys
pointer = json.load(open(sys.argv[1]))
for key in pointer["generations"][-1]["manifests"]:
    print(key)
PY
  local last="" key chunk sha
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
      [ "$(sha256sum "$work/dl/chunk" | cut -d' ' -f1)" = "$sha" ] || { echo "aws-smoke-test: $chunk: SHA-256 mismatch" >&2; return 65; }
      cat "$work/dl/chunk" >> "$work/dl/stream"
    done < "$work/dl/chunks"
    btrfs receive -q -f "$work/dl/stream" "$work/mnt/restored"
  done < "$work/dl/manifests"
  diff -r --no-dereference "$work/mnt/data" "$work/mnt/restored/$last"
}

# The Deep Archive leg: S3's archive behaviour the local test server does not have.
archive_key="${prefix}deep-archive-probe"
archive_put() {
  head -c 4096 /dev/urandom > "$work/archive-probe"
  "$aws" s3api put-object --bucket "$bucket" --key "$archive_key" --body "$work/archive-probe" \
    --storage-class DEEP_ARCHIVE --server-side-encryption AES256 >/dev/null
}
archive_head_class() {
  local class
  class=$("$aws" s3api head-object --bucket "$bucket" --key "$archive_key" --query StorageClass --output text)
  echo "storage class: $class"
  [ "$class" = DEEP_ARCHIVE ]
}
# 202 Accepted is S3's answer to the first RestoreObject of an archived object (API reference, RestoreObject);
# awscli does not print it, its debug log does.
archive_restore() {
  "$aws" s3api restore-object --bucket "$bucket" --key "$archive_key" \
    --restore-request '{"Days":1,"GlacierJobParameters":{"Tier":"Bulk"}}' --debug 2> "$work/restore.log"
  grep -Eq '"POST [^"]*\?restore[^"]*" 202 ' "$work/restore.log" || { echo "aws-smoke-test: RestoreObject did not answer 202" >&2; return 1; }
}
archive_head_restore() {
  local restore
  restore=$("$aws" s3api head-object --bucket "$bucket" --key "$archive_key" --query Restore --output text)
  echo "x-amz-restore: $restore"
  [ "$restore" = 'ongoing-request="true"' ]
}
archive_delete() { "$aws" s3api delete-object --bucket "$bucket" --key "$archive_key" >/dev/null; }

step "check (settings, bucket, permissions)" check
step "full backup" backup
step "incremental backup" change
step "download by the pointer, verify every SHA-256, receive, compare" download_verify_receive
if [ "$deep_archive" = 1 ]; then
  step "check --archive-probe in DEEP_ARCHIVE" uploader check --archive-probe --s3.storage_class_data DEEP_ARCHIVE
  step "PUT 4 KiB in DEEP_ARCHIVE" archive_put
  step "HEAD shows DEEP_ARCHIVE" archive_head_class
  step "RestoreObject (Bulk, 1 day) accepted: 202" archive_restore
  step "HEAD shows x-amz-restore: ongoing-request=\"true\"" archive_head_restore
  step "delete the archived object" archive_delete
fi
passed=1
echo "aws-smoke-test: passed"
