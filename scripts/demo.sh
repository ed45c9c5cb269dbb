#!/usr/bin/env bash
# The demo (README's first set-up command): what the timer runs, on a loopback btrfs and the local S3 server.
# A full backup of data, root and home (varied content: many small files, large ones, hard links, xattrs, a sparse
# file, odd names; in root a Proxmox-like var/lib/pve/local-btrfs whose VM disk and container volume are nested
# subvolumes) through the spooler and the uploader running side by side, compressed (auto) and encrypted to an age key
# made for the demo; changes (adds, modifies, deletes, renames) and two incrementals; status and plan; a chunk read
# with the reference tools (age -d | zstd -d); then `btrfs-to-s3-uploader restore --identity` of each chain into a fresh
# loopback filesystem (download, verify every SHA-256, btrfs receive in order, nested subvolumes put back in their
# places), proven identical to the source, hard links and xattrs included. Prints a summary and ends with DEMO OK. Needs root; cleans up everything it made, also on failure.
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
  if mountpoint -q "$work/restore" 2>/dev/null; then umount "$work/restore"; fi
  bash scripts/btrfs-fixture.sh teardown "$work" >/dev/null 2>&1 || true
  if [ "$started_s3" = 1 ]; then bash scripts/local-s3.sh stop >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT
step() { printf '\n== %s\n' "$*"; }
now() { date +%s.%N; }
summary=()
record() { # stage, bytes, start
  local seconds; seconds=$(echo "$(now) - $3" | bc)
  summary+=("$(printf '%-28s %14s bytes %8.1f s %8.1f MB/s' "$1" "$2" "$seconds" "$(echo "scale=3; $2 / $seconds / 1000000" | bc)")")
}
uploaded_bytes() { grep -o 'run: [0-9]* chunks, [0-9]* bytes' "$work/uploader.log" | grep -o '[0-9]* bytes' | cut -d' ' -f1; }

step "build"
dotnet build spooler.sln -c Release -v quiet -nologo >/dev/null
dotnet build Spooler -c Release -o "$work/bin" -v quiet -nologo >/dev/null
dotnet build Uploader -c Release -o "$work/bin" -v quiet -nologo >/dev/null

step "a loopback btrfs with subvolumes data, root and home; bucket $bucket on the local S3 server"
FIXTURE_DATA_MIB=96 FIXTURE_SMALL_FILES=2000 bash scripts/btrfs-fixture.sh setup "$work"
head -c $((48 * 1024 * 1024)) /dev/urandom > "$work/mnt/home/user/large.bin"
# Proxmox's btrfs storage inside root: a VM disk (a sparse raw file) with a snapshot of Proxmox's own beside it, and a
# container volume with a subvolume of its own inside; btrfs_to_s3 backs each up as a nested subvolume.
pve=$work/mnt/root/var/lib/pve/local-btrfs/images
mkdir -p "$pve/100" "$pve/101"
btrfs -q subvolume create "$pve/100/vm-100-disk-0"
truncate -s 256M "$pve/100/vm-100-disk-0/disk.raw"
head -c $((8 * 1024 * 1024)) /dev/urandom | dd of="$pve/100/vm-100-disk-0/disk.raw" conv=notrunc status=none
btrfs -q subvolume snapshot -r "$pve/100/vm-100-disk-0" "$pve/100/vm-100-disk-0@snap1"
btrfs -q subvolume create "$pve/101/subvol-101-disk-0"
mkdir -p "$pve/101/subvol-101-disk-0/etc" "$pve/101/subvol-101-disk-0/srv"
echo "ct101" > "$pve/101/subvol-101-disk-0/etc/hostname"
btrfs -q subvolume create "$pve/101/subvol-101-disk-0/srv/www"
echo "<h1>hello</h1>" > "$pve/101/subvol-101-disk-0/srv/www/index.html"
s3 PUT "" >/dev/null
# The backup's age key pair: the host gets the public key only; restore takes the private key file.
recipient=$(age-keygen -o "$work/age-key.txt" 2>&1 | grep -o 'age1[a-z0-9]*')
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
[encryption]
recipients = $recipient
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
  # What the timer runs: the uploader drains while the spooler fills a spool that holds three chunks.
  local start; start=$(now)
  dotnet "$work/bin/btrfs-to-s3-uploader.dll" --config "$work/btrfs_to_s3.ini" > "$work/uploader.log" 2>&1 &
  local uploader=$!
  dotnet "$work/bin/btrfs-to-s3-spooler.dll" --config "$work/btrfs_to_s3.ini" 2>&1 | grep -E "stream, because|pausing|resuming|sealed" | cut -c1-160
  wait "$uploader" || { cat "$work/uploader.log"; exit 1; }
  grep -E "published|run:" "$work/uploader.log" | cut -c1-160
  record "$1" "$(uploaded_bytes)" "$start"
}

step "backup 1: full streams"
backup "backup 1 (full)"

step "changes: add, modify, delete, rename; backup 2"
echo "changed" >> "$work/mnt/data/docs/doc1.txt"
rm "$work/mnt/data/docs/doc2.txt"
mv "$work/mnt/data/docs/doc5.txt" "$work/mnt/data/docs/renamed doc5.txt"
head -c $((12 * 1024 * 1024)) /dev/urandom > "$work/mnt/data/new.bin"
setfattr -n user.added -v "after the full" "$work/mnt/data/new.bin"
backup "backup 2 (incremental)"

step "more changes: rename a directory, new hard link, delete many small files; backup 3"
mv "$work/mnt/data/docs/deep" "$work/mnt/data/docs/deeper"
ln "$work/mnt/data/new.bin" "$work/mnt/data/new-hardlink.bin"
rm "$work/mnt/data/small/f1"* 
echo "appended" >> "$work/mnt/home/user/hello.txt"
head -c $((1024 * 1024)) /dev/urandom | dd of="$pve/100/vm-100-disk-0/disk.raw" bs=1M seek=100 conv=notrunc status=none
backup "backup 3 (incremental)"

step "status"
dotnet "$work/bin/btrfs-to-s3-uploader.dll" status --config "$work/btrfs_to_s3.ini" 2>"$work/log" || { cat "$work/log"; exit 1; }

step "plan (sizes measured; data also as if it were 5 TiB)"
dotnet "$work/bin/btrfs-to-s3-uploader.dll" plan --config "$work/btrfs_to_s3.ini" 2>"$work/log" || { cat "$work/log"; exit 1; }
dotnet "$work/bin/btrfs-to-s3-uploader.dll" plan --config "$work/btrfs_to_s3.ini" --size data=5TiB --spool.chunk_size 200GiB \
  --spool.quota 450GiB --s3.part_size 64MiB > "$work/plan.txt" 2>"$work/log" || { cat "$work/log"; exit 1; }
grep -E "^(data|total) " "$work/plan.txt"

step "what is in S3 (data)"
keys demo/data/

step "a chunk through the reference tools: age -d -i KEY chunk | zstd -d (compressed, then encrypted)"
chunk=$(keys demo/data/ | grep '/chunk-000000$' | head -1)
s3 GET "/$chunk" > "$work/chunk"
age -d -i "$work/age-key.txt" "$work/chunk" | zstd -d -q > "$work/chunk.stream"
head -c 12 "$work/chunk.stream" | grep -q '^btrfs-stream' || { echo "$chunk does not decode to a btrfs send stream"; exit 1; }
echo "$chunk: $(stat -c %s "$work/chunk") bytes in S3, $(stat -c %s "$work/chunk.stream") bytes of btrfs send stream (starts with btrfs-stream)"

step "restore every subvolume into a fresh loopback btrfs: btrfs-to-s3-uploader restore (download, verify, receive)"
truncate -s 2G "$work/restore.img"
mkfs.btrfs -q -f "$work/restore.img" >/dev/null
mkdir -p "$work/restore"
mount -o loop "$work/restore.img" "$work/restore"
start=$(now)
restored_bytes=0
for subvolume in data root home; do
  dotnet "$work/bin/btrfs-to-s3-uploader.dll" restore --config "$work/btrfs_to_s3.ini" --subvolume "$subvolume" \
    --target "$work/restore" --identity "$work/age-key.txt" > "$work/restore.log" 2>&1 || { cat "$work/restore.log"; exit 1; }
  grep -E "bytes received|restored as" "$work/restore.log" | cut -c1-160
  restored_bytes=$((restored_bytes + $(grep -o '[0-9]* bytes received' "$work/restore.log" | cut -d' ' -f1 | paste -sd+ | bc)))
  # The restored tree, nested subvolumes in their places; Proxmox's own snapshot is not backed up, so it is not there.
  printf '%s: ' "$subvolume"
  python3 scripts/compare-trees.py --skip var/lib/pve/local-btrfs/images/100/vm-100-disk-0@snap1 "$work/mnt/$subvolume" "$work/restore/$subvolume"
done
for nested in images/100/vm-100-disk-0 images/101/subvol-101-disk-0 images/101/subvol-101-disk-0/srv/www; do
  flags=$(btrfs subvolume show "$work/restore/root/var/lib/pve/local-btrfs/$nested" | grep 'Flags:')
  case "$flags" in *readonly*) echo "root/var/lib/pve/local-btrfs/$nested: restored read-only"; exit 1;; esac
  echo "root/var/lib/pve/local-btrfs/$nested: a writable subvolume in its place"
done
record "restore (6 chains)" "$restored_bytes" "$start"

step "summary"
printf '%s\n' "${summary[@]}"
echo "DEMO OK"
