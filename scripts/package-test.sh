#!/usr/bin/env bash
# The Debian package on this machine, as a host would get it: builds it (scripts/package.sh), installs it with dpkg -i,
# has systemd-analyze verify the installed units (their ExecStart= and man: links included), then, in a mount namespace
# where a tmpfs hides the .NET installation, runs the installed programs from PATH through a full and an incremental
# backup (compressed and encrypted, a loopback btrfs and the local S3 server) and a restore of both into a fresh
# loopback btrfs, proven identical to the source (scripts/compare-trees.py); then dpkg --purge, and checks that none of
# the package's files, its conffile or its directories is left. Prints PACKAGE TEST OK and the seconds it took.
# Not part of scripts/test.sh: the AOT publish alone takes minutes on 2 cores (README, "Install from the Debian package").
# Needs root, the .NET SDK, what scripts/install-deps.sh installs, systemd-analyze, and the package btrfs-to-s3 not
# installed. Run it under the S3 lock where CI may run too: flock /tmp/btrfs_to_s3-s3.lock scripts/package-test.sh
# Exit codes: 0 ok, 1 a check failed, 77 not root, 78 btrfs-to-s3 is installed already (it would be purged).
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
[ "$(id -u)" = 0 ] || { echo "package-test: run as root" >&2; exit 77; }
if dpkg -s btrfs-to-s3 >/dev/null 2>&1; then echo "package-test: btrfs-to-s3 is installed; not touching it" >&2; exit 78; fi
began=$(date +%s)
bash scripts/install-deps.sh

work=$(mktemp -d /tmp/btrfs_to_s3-package-test.XXXXXX)
bucket=btrfs-to-s3-package-$(date +%s)
started_s3=0
installed=0
s3() {
  local method=$1 path=$2; shift 2
  curl -sfS --aws-sigv4 "aws:amz:$AWS_REGION:s3" --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" \
    -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" -X "$method" "$S3_ENDPOINT/$bucket$path" "$@"
}
cleanup() {
  if [ "$installed" = 1 ]; then dpkg --purge btrfs-to-s3 >/dev/null 2>&1 || true; fi
  if [ -n "${S3_ENDPOINT:-}" ]; then bash scripts/local-s3.sh bucket-rm "$bucket" >/dev/null 2>&1 || true; fi
  if mountpoint -q "$work/restore" 2>/dev/null; then umount "$work/restore"; fi
  bash scripts/btrfs-fixture.sh teardown "$work/fx" >/dev/null 2>&1 || true
  if [ "$started_s3" = 1 ]; then bash scripts/local-s3.sh stop >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "package-test: $*" >&2; exit 1; }

echo "== build"
deb=$(bash scripts/package.sh "$work/out" | tail -n 1)
[ -f "$deb" ] || fail "scripts/package.sh printed no package path"
echo "$deb: $(stat -c %s "$deb") bytes"

echo "== install"
dpkg -i "$deb" >/dev/null
installed=1
files=$(dpkg -L btrfs-to-s3)
for path in /usr/bin/btrfs-to-s3-spooler /usr/bin/btrfs-to-s3-uploader /etc/btrfs_to_s3.ini \
  /usr/share/doc/btrfs-to-s3/examples/btrfs_to_s3.ini /usr/share/man/man5/btrfs_to_s3.ini.5.gz \
  /usr/share/man/man8/btrfs-to-s3-spooler.8.gz /usr/share/man/man8/btrfs-to-s3-uploader.8.gz \
  /usr/share/bash-completion/completions/btrfs-to-s3-spooler /usr/share/bash-completion/completions/btrfs-to-s3-uploader; do
  [ -e "$path" ] || fail "$path is not installed"
done
# The installed completion, as bash-completion loads it at the first Tab: the commands, then the options of the one named.
complete_words() {
  bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); "_${1//-/_}"; printf "%s\n" "${COMPREPLY[@]}"' \
    _ "/usr/share/bash-completion/completions/$1" "$@"
}
complete_words btrfs-to-s3-uploader re | grep -qx restore || fail "the uploader's completion does not offer restore"
complete_words btrfs-to-s3-uploader restore --ta | grep -qx -- --target || fail "the uploader's completion does not offer --target"
complete_words btrfs-to-s3-spooler --fu | grep -qx -- --full || fail "the spooler's completion does not offer --full"
zcat /usr/share/man/man8/btrfs-to-s3-uploader.8.gz | grep -qF '\fB\-\-take\-over\fR' || fail "btrfs-to-s3-uploader.8 lacks --take-over"
echo "bash completion and man pages: installed and answering"
grep -qx /etc/btrfs_to_s3.ini /var/lib/dpkg/info/btrfs-to-s3.conffiles || fail "/etc/btrfs_to_s3.ini is no conffile"
getent passwd btrfs-to-s3 >/dev/null || fail "postinst made no user btrfs-to-s3"
for dir in /var/spool/btrfs_to_s3 /var/lib/btrfs_to_s3; do
  [ "$(stat -c '%U:%G %a' "$dir")" = "root:btrfs-to-s3 2770" ] || fail "$dir is $(stat -c '%U:%G %a' "$dir"), not root:btrfs-to-s3 2770"
done
[ "$(stat -c '%U:%G %a' /etc/btrfs_to_s3.ini)" = "root:btrfs-to-s3 640" ] || fail "/etc/btrfs_to_s3.ini is $(stat -c '%U:%G %a' /etc/btrfs_to_s3.ini)"
[ "$(stat -c '%U %a %s' /etc/btrfs_to_s3/aws-credentials)" = "root 600 0" ] || fail "/etc/btrfs_to_s3/aws-credentials is not an empty root 0600 file"
echo "postinst: user btrfs-to-s3; spool and state root:btrfs-to-s3 2770; the configuration 0640; an empty credentials file"
units=(/lib/systemd/system/btrfs-to-s3.timer /lib/systemd/system/btrfs-to-s3-spooler.service
  /lib/systemd/system/btrfs-to-s3-uploader.service /lib/systemd/system/btrfs-to-s3-notify@.service
  /lib/systemd/system/run-btrfs_to_s3-spool.mount)
verify=$(systemd-analyze verify "${units[@]}" 2>&1) || fail "systemd-analyze verify: $verify"
[ -z "$verify" ] || fail "systemd-analyze verify: $verify"
echo "systemd-analyze verify: the ${#units[@]} installed units are clean"

echo "== backup and restore with no .NET"
if ! bash scripts/local-s3.sh status >/dev/null 2>&1; then started_s3=1; fi
eval "$(bash scripts/local-s3.sh start)"
export AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_REGION AWS_EC2_METADATA_DISABLED
s3 PUT "" >/dev/null
FIXTURE_DATA_MIB=24 bash scripts/btrfs-fixture.sh setup "$work/fx" >/dev/null
recipient=$(age-keygen -o "$work/age-key.txt" 2>&1 | grep -o 'age1[a-z0-9]*')
cat > "$work/btrfs_to_s3.ini" <<INI
[subvolumes]
data = $work/fx/mnt/data
home = $work/fx/mnt/home
[snapshots]
dir = $work/fx/mnt/.btrfs_to_s3
[spool]
dir = $work/fx/spool
quota = 32MiB
chunk_size = 8MiB
[encryption]
recipients = $recipient
[state]
dir = $work/fx/state
[s3]
bucket = $bucket
endpoint = $S3_ENDPOINT
prefix = package/
part_size = 5MiB
request_checksum_calculation = when_required
INI
truncate -s 1G "$work/restore.img"
mkfs.btrfs -q -f "$work/restore.img" >/dev/null
mkdir -p "$work/restore"
mount -o loop "$work/restore.img" "$work/restore"
dotnet_dir=$(dirname "$(readlink -f "$(command -v dotnet)")")
# Everything below runs where the .NET installation is an empty tmpfs; the mount ends with the namespace.
unshare -m bash -euo pipefail -s "$dotnet_dir" "$work" <<'NO_DOTNET'
dotnet_dir=$1 work=$2
mount -t tmpfs -o size=1M none "$dotnet_dir"
[ -z "$(ls -A "$dotnet_dir")" ] || { echo "package-test: $dotnet_dir is not hidden" >&2; exit 1; }
if dotnet --info >/dev/null 2>&1; then echo "package-test: dotnet still runs" >&2; exit 1; fi
unset DOTNET_ROOT
backup() {
  $trace_uploader btrfs-to-s3-uploader --config "$work/btrfs_to_s3.ini" > "$work/uploader.log" 2>&1 &
  local uploader=$!
  $trace_spooler btrfs-to-s3-spooler --config "$work/btrfs_to_s3.ini" > "$work/spooler.log" 2>&1 || { cat "$work/spooler.log"; exit 1; }
  wait "$uploader" || { cat "$work/uploader.log"; exit 1; }
  grep -E "stream, because" "$work/spooler.log" | sed 's/.*\] //' | cut -c1-120
}
trace_uploader= trace_spooler=
backup
echo "changed" >> "$work/fx/mnt/data/docs/doc1.txt"
head -c $((3 * 1024 * 1024)) /dev/urandom > "$work/fx/mnt/data/new.bin"
# The incremental under strace: every system call the AOT programs (and btrfs, their child) make, for the units' checks.
trace_uploader="strace -f -qq -o $work/uploader.strace" trace_spooler="strace -f -qq -o $work/spooler.strace"
backup
btrfs-to-s3-uploader status --config "$work/btrfs_to_s3.ini" > "$work/status.txt" 2>&1 || { cat "$work/status.txt"; exit 1; }
for subvolume in data home; do
  btrfs-to-s3-uploader restore --config "$work/btrfs_to_s3.ini" --subvolume "$subvolume" --target "$work/restore" \
    --identity "$work/age-key.txt" > "$work/restore.log" 2>&1 || { cat "$work/restore.log"; exit 1; }
done
NO_DOTNET
# What the units' MemoryDenyWriteExecute=yes and SystemCallFilter= refuse (systemd.exec(5)), looked for in the traces:
# an mmap asking for PROT_WRITE and PROT_EXEC, an mprotect or pkey_mprotect adding PROT_EXEC, a shmat with SHM_EXEC, and
# any call outside @system-service or inside @privileged or @resources.
python3 - "$work" <<'UNITS_CHECK' || fail "the installed programs make a call their unit refuses"
import re, subprocess, sys
work = sys.argv[1]
def names(group):
    out = subprocess.run(["systemd-analyze", "syscall-filter", group], capture_output=True, text=True, check=True).stdout
    found = set()
    for line in out.splitlines():
        word = line.strip()
        # A group's listing starts with its own name and a comment line ("# Raw I/O port access"): neither is a call.
        if not word or word.startswith("#") or word == group:
            continue
        found |= names(word) if word.startswith("@") else {word}
    return found
allowed = names("@system-service") - names("@privileged") - names("@resources")
bad = []
for program in ("uploader", "spooler"):
    used = set()
    for line in open(f"{work}/{program}.strace"):
        m = re.match(r"\d+\s+([a-z_0-9]+)\((.*)", line)
        if not m:
            continue
        call, args = m.groups()
        used.add(call)
        if call == "mmap" and "PROT_WRITE" in args and "PROT_EXEC" in args:
            bad.append(f"{program}: W^X: {line.strip()}")
        if call in ("mprotect", "pkey_mprotect") and "PROT_EXEC" in args:
            bad.append(f"{program}: W^X: {line.strip()}")
        if call == "shmat" and "SHM_EXEC" in args:
            bad.append(f"{program}: W^X: {line.strip()}")
    outside = sorted(used - allowed)
    if outside:
        bad.append(f"{program}: outside the filter: {' '.join(outside)}")
    print(f"{program}: {len(used)} distinct system calls, all in the unit's filter" if not outside else "", end="")
    print()
for line in bad[:20]:
    print(line, file=sys.stderr)
sys.exit(1 if bad else 0)
UNITS_CHECK
echo "W^X and the system-call filter: nothing the units refuse"
for subvolume in data home; do
  printf '%s: ' "$subvolume"
  python3 scripts/compare-trees.py "$work/fx/mnt/$subvolume" "$work/restore/$subvolume"
done

echo "== purge"
dpkg --purge btrfs-to-s3 >/dev/null
installed=0
left=()
while IFS= read -r path; do
  # Directories other packages own (/usr/bin, /etc, ...) stay; dpkg removes every path only this package had.
  if [ "$path" != /. ] && [ -e "$path" ] && ! dpkg -S "$path" >/dev/null 2>&1; then left+=("$path"); fi
done <<< "$files"
# The conffile, and the directories postinst made (empty here: the backup used its own).
for path in /etc/btrfs_to_s3.ini /etc/btrfs_to_s3 /var/spool/btrfs_to_s3 /var/lib/btrfs_to_s3 /var/lib/dpkg/info/btrfs-to-s3.list; do
  if [ -e "$path" ]; then left+=("$path"); fi
done
if getent passwd btrfs-to-s3 >/dev/null; then left+=("user btrfs-to-s3"); fi
if getent group btrfs-to-s3 >/dev/null; then left+=("group btrfs-to-s3"); fi
[ ${#left[@]} -eq 0 ] || fail "left after dpkg --purge: ${left[*]}"
echo "dpkg --purge: nothing of the package is left"

echo "PACKAGE TEST OK in $(( $(date +%s) - began )) s"
