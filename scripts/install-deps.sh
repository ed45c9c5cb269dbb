#!/usr/bin/env bash
# Installs what building and testing btrfs_to_s3 needs on a Debian machine with the .NET SDK:
# btrfs-progs, e2fsprogs (small ext4 spool disks in the tests), age (the reference age tool, which the encryption tests
# check interoperability with: files we encrypt it decrypts, and the other way round), zstd (which must read our
# compressed chunks), the small tools the tests and the demo call (attr for xattrs, curl and python3 for the demo), and
# the formatter (scripts/format.sh). The local S3 server installs itself (scripts/local-s3.sh).
# Idempotent and quiet when everything is there. Needs root.
set -euo pipefail

if ! command -v dotnet >/dev/null 2>&1; then
  echo "install-deps: the .NET SDK (dotnet, 10.0 or newer) is not installed; install it first" >&2
  exit 69
fi

packages=(btrfs-progs e2fsprogs util-linux diffutils procps bc attr curl python3 age zstd)
missing=()
for package in "${packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "install-deps: missing ${missing[*]}; run as root to install them" >&2
    exit 77
  fi
  source "$(dirname "$0")/apt-install.sh"
  apt_install install-deps "${missing[@]}" || exit 69
fi

# CSharpier, which SourceStyleTests runs through scripts/format.sh --check.
bash "$(dirname "$0")/format.sh" --install
