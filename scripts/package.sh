#!/usr/bin/env bash
# Builds the Debian package btrfs-to-s3_<version>_amd64.deb and prints its path as the last line of stdout (progress goes
# to stderr). Both programs are published as Native AOT executables (the publish profile linux-x64 in Spooler/ and
# Uploader/: no .NET on the host) into /usr/lib/btrfs-to-s3 beside the two native libraries they load, with links in
# /usr/bin; the systemd units go to /lib/systemd/system with their paths rewritten for /usr/bin, as scripts/install.sh
# rewrites them for its prefix; /etc/btrfs_to_s3.ini is a conffile (dpkg never overwrites an edited one); the programs'
# man pages and bash completions are written by the programs from the declaration of their command line (--man-page,
# --bash-completion), the configuration's page from btrfs_to_s3.ini by scripts/manpages.py. lintian checks the result.
# The version is the one <Version> of Shared/Shared.csproj, which --version prints too.
#   scripts/package.sh [OUT_DIR]     (default: a new temporary directory)
# Needs the .NET SDK, git and python3, and, installed here when missing (as root): dpkg-dev, gcc and zlib1g-dev (the AOT
# linker), lintian; scripts/install-deps.sh leaves them out, as the tests and the demo do not need them.
# Exit codes: 0 built and lintian clean (but for the two tags the package overrides, explained below and in README),
# 1 a build step or lintian failed, 69 the .NET SDK is missing, 77 packages are missing and this is not root.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

command -v dotnet >/dev/null || { echo "package: the .NET SDK is not installed" >&2; exit 69; }
needed=(dpkg-dev gcc zlib1g-dev lintian)
missing=()
for package in "${needed[@]}"; do dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package"); done
if [ ${#missing[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || { echo "package: missing ${missing[*]}; run as root to install them" >&2; exit 77; }
  echo "package: installing ${missing[*]}" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

version=$(sed -n 's|.*<Version>\(.*\)</Version>.*|\1|p' Shared/Shared.csproj)
name=btrfs-to-s3
out=${1:-$(mktemp -d /tmp/btrfs_to_s3-package.XXXXXX)}
mkdir -p "$out"
work=$(mktemp -d /tmp/btrfs_to_s3-package-work.XXXXXX)
trap 'rm -rf "$work"' EXIT
root=$work/root

echo "package: publishing $version (Native AOT, linux-x64)" >&2
for project in Spooler Uploader; do
  dotnet publish "$project" -p:PublishProfile=linux-x64 -o "$work/publish" -v quiet -nologo >&2
done

install -d "$root/usr/lib/$name" "$root/usr/bin" "$root/lib/systemd/system" "$root/etc" \
  "$root/usr/share/doc/$name/examples" "$root/usr/share/man/man5" "$root/usr/share/man/man8" \
  "$root/usr/share/$name" "$root/usr/share/bash-completion/completions" "$root/DEBIAN"
for program in btrfs-to-s3-spooler btrfs-to-s3-uploader; do
  install -m 0755 "$work/publish/$program" "$root/usr/lib/$name/"
  # The executable finds its libraries in its own (link-resolved) directory.
  ln -s "../lib/$name/$program" "$root/usr/bin/$program"
done
install -m 0644 "$work/publish/libsodium.so" "$work/publish/libMonoPosixHelper.so" "$root/usr/lib/$name/"
# As dh_strip does: NuGet's libMonoPosixHelper.so comes with its symbols, and every ELF file with a compiler's .comment.
strip --remove-section=.comment --remove-section=.note "$root/usr/lib/$name/btrfs-to-s3-"*
strip --remove-section=.comment --remove-section=.note --strip-unneeded "$root/usr/lib/$name/"*.so

for unit in btrfs-to-s3.timer btrfs-to-s3-spooler.service btrfs-to-s3-uploader.service btrfs-to-s3-notify@.service run-btrfs_to_s3-spool.mount; do
  sed -e "s|file:/opt/btrfs_to_s3/README.md|man:btrfs-to-s3-spooler(8) man:btrfs-to-s3-uploader(8)|" \
      -e "s|/opt/btrfs_to_s3/|/usr/bin/|g" "systemd-units/$unit" > "$root/lib/systemd/system/$unit"
  chmod 0644 "$root/lib/systemd/system/$unit"
done
# Installed only while [spool] dir is the tmpfs (README, "Streaming: no scratch SSD"): an administrator's step.
install -m 0644 systemd-units/spool-on-tmpfs.conf "$root/usr/share/$name/"

install -m 0644 btrfs_to_s3.ini "$root/etc/btrfs_to_s3.ini"
install -m 0644 btrfs_to_s3.ini "$root/usr/share/doc/$name/examples/btrfs_to_s3.ini"
gzip -9n < README.md > "$root/usr/share/doc/$name/README.md.gz"
cat > "$root/usr/share/doc/$name/copyright" <<EOF
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: btrfs_to_s3
Comment: The executables are compiled ahead of time with the .NET runtime and the NuGet libraries they use
 (AWSSDK.S3, Microsoft.Extensions.*, Mono.Posix.NETStandard, NSec.Cryptography with libsodium, ZstdSharp.Port,
 System.IO.Hashing), each under its own licence: MIT, Apache-2.0 (AWSSDK.S3) or ISC (libsodium).

Files: *
Copyright: 2026 the btrfs_to_s3 authors
License: unspecified
 The btrfs_to_s3 sources state no licence yet; until they do, the authors reserve all rights.
EOF
# Who builds the package signs its changelog; by default the author of the last commit.
maintainer=${MAINTAINER:-$(git log -1 --format='%an <%ae>')}
# A native package (no Debian revision): its changelog is changelog.gz, dated by the last commit for a reproducible build.
date=$(date -R -d "@$(git log -1 --format=%ct)")
printf '%s (%s) unstable; urgency=medium\n\n  * Packaged by scripts/package.sh from commit %s.\n\n -- %s  %s\n' \
  "$name" "$version" "$(git rev-parse --short HEAD)" "$maintainer" "$date" \
  | gzip -9n > "$root/usr/share/doc/$name/changelog.gz"

python3 scripts/manpages.py --version "$version" --out "$work/man" --ini btrfs_to_s3.ini
gzip -9n < "$work/man/btrfs_to_s3.ini.5" > "$root/usr/share/man/man5/btrfs_to_s3.ini.5.gz"
# Each program writes its man page and its bash completion from the declaration of its command line, as its --help.
for program in btrfs-to-s3-spooler btrfs-to-s3-uploader; do
  "$work/publish/$program" --man-page | gzip -9n > "$root/usr/share/man/man8/$program.8.gz"
  "$work/publish/$program" --bash-completion > "$root/usr/share/bash-completion/completions/$program"
  chmod 0644 "$root/usr/share/bash-completion/completions/$program"
done

install -d "$root/usr/share/lintian/overrides"
cat > "$root/usr/share/lintian/overrides/$name" <<EOF
# Native AOT links the .NET runtime's compression library (zlib-ng) into the executable; the uploader keeps it because
# the AWS SDK uses System.IO.Compression. There is no switch to link Debian's zlib instead.
$name: embedded-library zlib [usr/lib/$name/btrfs-to-s3-uploader]
# Mono.Posix.NETStandard's prebuilt library (2018, its last release) was linked without RELRO; rebuilding it is not ours.
$name: hardening-no-relro [usr/lib/$name/libMonoPosixHelper.so]
EOF
chmod 0644 "$root/usr/share/lintian/overrides/$name"

echo /etc/btrfs_to_s3.ini > "$root/DEBIAN/conffiles"
# As dh_md5sums does: debsums and dpkg --verify check the installed files against them.
(cd "$root" && find . -type f ! -path './DEBIAN/*' -printf '%P\0' | LC_ALL=C sort -z | xargs -0 md5sum) > "$root/DEBIAN/md5sums"
# The maintainer scripts do what debhelper's systemd snippets do (systemd reads the new units; nothing is enabled or
# started), make the system user and group btrfs-to-s3 the uploader runs as, and make the default spool and state
# directories root:btrfs-to-s3 2770, shared with the uploader through the group (setgid: everything made in them is the
# group's), as scripts/install.sh does (a directory in the package would have to be 0755). What an earlier, root-only
# version left inside them stays as it was: lintian rightly refuses a recursive chown or chmod in a maintainer script
# (it would follow links), so README says the one command to hand it over. /etc/btrfs_to_s3/aws-credentials, the uploader's
# LoadCredential= source, is made empty (root, 0600) when missing: an instance role needs nothing in it. Purge removes
# the user, the group and /etc/btrfs_to_s3, and the spool and state directories only when empty: the state chains the
# next incremental.
cat > "$root/DEBIAN/postinst" <<'EOF'
#!/bin/sh
set -e
if [ "$1" = configure ]; then
  adduser --quiet --system --group --no-create-home --home /nonexistent btrfs-to-s3
  for dir in /var/spool/btrfs_to_s3 /var/lib/btrfs_to_s3; do
    install -d -o root -g btrfs-to-s3 -m 2770 "$dir"
  done
  install -d -o root -g root -m 0700 /etc/btrfs_to_s3
  if [ ! -e /etc/btrfs_to_s3/aws-credentials ]; then
    install -o root -g root -m 0600 /dev/null /etc/btrfs_to_s3/aws-credentials
  fi
  chown root:btrfs-to-s3 /etc/btrfs_to_s3.ini
  chmod 0640 /etc/btrfs_to_s3.ini
fi
if [ -d /run/systemd/system ]; then
  systemctl --system daemon-reload >/dev/null || true
fi
EOF
cat > "$root/DEBIAN/postrm" <<'EOF'
#!/bin/sh
set -e
if [ "$1" = purge ]; then
  rmdir --ignore-fail-on-non-empty /var/spool/btrfs_to_s3 /var/lib/btrfs_to_s3 2>/dev/null || true
  rm -rf /etc/btrfs_to_s3
  if getent passwd btrfs-to-s3 >/dev/null; then deluser --quiet --system btrfs-to-s3 >/dev/null || true; fi
  if getent group btrfs-to-s3 >/dev/null; then delgroup --quiet --system btrfs-to-s3 >/dev/null || true; fi
fi
if [ -d /run/systemd/system ]; then
  systemctl --system daemon-reload >/dev/null || true
fi
EOF
chmod 0755 "$root/DEBIAN/postinst" "$root/DEBIAN/postrm"
# adduser: postinst makes the system user; libc6: the executables need GLIBC_2.34; libssl3: .NET's cryptography (SHA-256, ChaCha20-Poly1305, TLS) opens
# libssl.so.3 at run time, which ldd does not show; zlib1g: libMonoPosixHelper.so links it.
cat > "$root/DEBIAN/control" <<EOF
Package: $name
Version: $version
Architecture: amd64
Maintainer: $maintainer
Installed-Size: $(du -sk --exclude=DEBIAN "$root" | cut -f1)
Depends: adduser, btrfs-progs, libc6 (>= 2.34), libssl3 | libssl3t64, zlib1g
Section: admin
Priority: optional
Description: off-site backup of btrfs subvolumes to AWS S3
 btrfs-to-s3-spooler snapshots each configured subvolume and writes its btrfs
 send stream into hashed chunk files in a spool; btrfs-to-s3-uploader sends
 them to S3 (Glacier Deep Archive), verifies each there and publishes a stream
 atomically once all of it is verified. The uploader also restores, and
 reports status, costs and checks. A weekly systemd timer runs both; nothing
 is enabled on installation.
EOF

deb=$out/${name}_${version}_amd64.deb
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >&2
# The package overrides two tags, each explained above and in README ("Install from the Debian package"); any other
# error or warning fails the build.
lintian --fail-on error,warning "$deb" >&2
echo "$deb"
