#!/usr/bin/env bash
# The test ground: a loopback btrfs filesystem with subvolumes data, root and home and some content in them.
#   scripts/btrfs-fixture.sh setup DIR     makes DIR/btrfs.img, mounts it on DIR/mnt, prints the paths
#   scripts/btrfs-fixture.sh teardown DIR  unmounts it (which frees the loop device) and removes DIR
# Needs root. FIXTURE_SIZE (default 1G) sets the image size; FIXTURE_DATA_MIB (default 8) the random data in data/.
set -euo pipefail

usage() { echo "usage: $0 setup|teardown DIR" >&2; exit 64; }
[ $# -eq 2 ] || usage
action=$1
dir=$(realpath -m "$2")
image=$dir/btrfs.img
mnt=$dir/mnt

setup() {
  command -v mkfs.btrfs >/dev/null || { echo "btrfs-progs is not installed (scripts/install-deps.sh installs it)" >&2; exit 69; }
  mkdir -p "$dir" "$mnt" "$dir/spool" "$dir/state"
  # A sparse image: only what is written takes disk space.
  truncate -s "${FIXTURE_SIZE:-1G}" "$image"
  mkfs.btrfs -q -f "$image" >/dev/null 2>&1
  # mount -o loop sets up the loop device with autoclear, so the unmount alone frees it.
  mount -o loop "$image" "$mnt"
  for sub in data root home; do
    btrfs -q subvolume create "$mnt/$sub"
  done
  mkdir "$mnt/.btrfs_to_s3"

  # Content of several kinds, so that send streams carry files, directories, links and holes.
  head -c "$(( ${FIXTURE_DATA_MIB:-8} * 1024 * 1024 ))" /dev/urandom > "$mnt/data/random.bin"
  mkdir -p "$mnt/data/docs/deep/er"
  for i in $(seq 1 20); do echo "document $i" > "$mnt/data/docs/doc$i.txt"; done
  echo "deep" > "$mnt/data/docs/deep/er/file"
  ln -s docs/doc1.txt "$mnt/data/link"
  truncate -s 10M "$mnt/data/sparse"
  # Hard links, extended attributes, odd names and many small files: all must come back from a restore.
  ln "$mnt/data/docs/doc1.txt" "$mnt/data/docs/hardlink-to-doc1"
  setfattr -n user.comment -v "kept by btrfs send" "$mnt/data/docs/doc3.txt"
  setfattr -n user.binary -v 0x00ff10 "$mnt/data/docs/deep"
  printf 'odd\n' > "$mnt/data/docs/name with spaces, commas & ünïcödé.txt"
  printf 'dash\n' > "$mnt/data/docs/-leading-dash"
  mkdir -p "$mnt/data/small"
  for i in $(seq 1 "${FIXTURE_SMALL_FILES:-200}"); do echo "small $i" > "$mnt/data/small/f$i"; done
  chmod 0640 "$mnt/data/docs/doc4.txt"
  mkdir -p "$mnt/root/etc" "$mnt/home/user"
  echo "root config" > "$mnt/root/etc/config"
  echo "hello" > "$mnt/home/user/hello.txt"
  sync

  if [ -n "${SUDO_USER:-}" ]; then
    chown -R "$SUDO_USER" "$dir/spool" "$dir/state" "$mnt/data" "$mnt/root" "$mnt/home" "$mnt/.btrfs_to_s3"
  fi
  echo "mount=$mnt"
  echo "snapshots=$mnt/.btrfs_to_s3"
  echo "spool=$dir/spool"
  echo "state=$dir/state"
}

teardown() {
  if mountpoint -q "$mnt"; then
    umount "$mnt" || umount -l "$mnt"
  fi
  # A loop device still bound to the image (a mount made by hand without autoclear) is detached too.
  if [ -f "$image" ]; then
    losetup -j "$image" | cut -d: -f1 | while read -r dev; do losetup -d "$dev" || true; done
  fi
  rm -rf "$dir"
}

case $action in
  setup) setup ;;
  teardown) teardown ;;
  *) usage ;;
esac
