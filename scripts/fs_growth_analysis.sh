#!/usr/bin/env bash
# How much of each subvolume changes, measured, for `btrfs-to-s3-uploader plan`: the bytes of its regular files, the
# bytes of those whose ctime lies within the last N days, and that change per week (changed bytes / N * 7).
#
#   scripts/fs_growth_analysis.sh [--days N] [--config FILE] [--write FILE] [NAME=PATH | PATH ...]
#
#   --config FILE  scan every subvolume of the configuration's [subvolumes] section, under its name
#   --days N       the window, in days (default 180)
#   --write FILE   store the TSV in FILE too (atomically); plan reads <[state] dir>/growth.tsv, e.g.
#                  sudo scripts/fs_growth_analysis.sh --config /etc/btrfs_to_s3.ini --write /var/lib/btrfs_to_s3/growth.tsv
#
# stdout: a TSV with a header line, one row per subvolume: subvolume, total_bytes, changed_bytes, days, weekly_bytes.
# The subvolume is its name (from --config, or NAME=PATH), else the path as given. stderr: a summary for people.
#
# Each scan stays on its subvolume: a nested subvolume has a device number of its own, so find -xdev neither descends
# into it nor into another filesystem mounted below. plan gives a nested subvolume a row of its own, named
# <name>.<its path> (README, "Nested subvolumes"); scan one with NAME=PATH under that name.
# ctime, not mtime: a program can set mtime back (cp -p, rsync -t, tar), never ctime, so a file copied in with an old
# mtime still counts. Whole files count: one rewritten in a few blocks (a VM disk, a database) counts in full, where an
# incremental sends only the changed blocks, so for such files the rate is an upper bound. Needs read access to every
# file (root); a directory it cannot read stops it, as its figures would be short.
set -euo pipefail

usage() { sed -n '4,10p' "$0" | sed 's/^# \{0,1\}//' >&2; exit "${1:-64}"; }
die() { local code=$1; shift; echo "fs_growth_analysis: $*" >&2; exit "$code"; }

days=180
config=
write=
targets=()
while [ $# -gt 0 ]; do
  case $1 in
    --days) [ $# -ge 2 ] || usage; days=$2; shift 2 ;;
    --config) [ $# -ge 2 ] || usage; config=$2; shift 2 ;;
    --write) [ $# -ge 2 ] || usage; write=$2; shift 2 ;;
    -h | --help) usage 0 ;;
    -*) echo "fs_growth_analysis: unknown option $1" >&2; usage ;;
    *) targets+=("$1"); shift ;;
  esac
done
[[ $days =~ ^[1-9][0-9]{0,5}$ ]] || die 64 "--days wants a whole number of days, 1 or more (got \"$days\")"

# NAME=PATH for each entry of [subvolumes] but its setting `nested`. Comments are lines starting with ';' or '#'.
config_subvolumes() {
  awk '
    /^[[:space:]]*[;#]/ { next }
    /^[[:space:]]*\[/ { s = $0; sub(/^[[:space:]]*\[/, "", s); sub(/\].*$/, "", s); inside = (tolower(s) == "subvolumes"); next }
    inside && index($0, "=") > 0 {
      key = substr($0, 1, index($0, "=") - 1); value = substr($0, index($0, "=") + 1)
      gsub(/^[[:space:]]+|[[:space:]]+$/, "", key); gsub(/^[[:space:]]+|[[:space:]]+$/, "", value)
      if (tolower(key) != "nested") print key "=" value
    }' "$1"
}

if [ -n "$config" ]; then
  [ -r "$config" ] || die 78 "cannot read the configuration $config"
  while IFS= read -r entry; do targets+=("$entry"); done < <(config_subvolumes "$config")
  [ ${#targets[@]} -gt 0 ] || die 78 "$config names no subvolume in [subvolumes]"
fi
[ ${#targets[@]} -gt 0 ] || usage

now=$(date +%s)
cutoff=$(( now - days * 86400 ))
tsv=$(printf 'subvolume\ttotal_bytes\tchanged_bytes\tdays\tweekly_bytes')
for target in "${targets[@]}"; do
  if [[ $target =~ ^([A-Za-z0-9][A-Za-z0-9_.-]*)=(.+)$ ]]; then
    name=${BASH_REMATCH[1]}
    path=${BASH_REMATCH[2]}
  else
    name=$target
    path=$target
  fi
  # A trailing '/' names the same directory; plan compares paths without it.
  [ "$path" = / ] || path=${path%/}
  [ "$name" = / ] || name=${name%/}
  [ -d "$path" ] || die 69 "$path is not a directory${name:+$([ "$name" = "$path" ] || echo " (subvolume $name)")}"

  # One pass: size and ctime of every regular file on this subvolume. find's own complaints go to stderr.
  if ! figures=$(find "$path" -xdev -type f -printf '%s %C@\n' | awk -v cutoff="$cutoff" '
      { total += $1; files++; if ($2 >= cutoff) { changed += $1; changed_files++ } }
      END { printf "%.0f %.0f %.0f %.0f\n", total, changed, files, changed_files }'); then
    die 69 "find could not read all of $path (see above; run as root): its figures would be short"
  fi
  read -r total changed files changed_files <<< "$figures"
  weekly=$(awk -v c="$changed" -v d="$days" 'BEGIN { printf "%.0f", int(c * 7 / d) }')
  tsv+=$(printf '\n%s\t%s\t%s\t%s\t%s' "$name" "$total" "$changed" "$days" "$weekly")
  awk -v n="$name" -v p="$path" -v t="$total" -v c="$changed" -v f="$files" -v cf="$changed_files" -v d="$days" -v w="$weekly" '
    function human(b,   units, i) {
      split("KiB MiB GiB TiB", units, " ")
      for (i = 4; i >= 1; i--) if (b >= 1024 ^ i) return sprintf("%.2f %s", b / 1024 ^ i, units[i])
      return sprintf("%.0f bytes", b)
    }
    function pct(a, b) { return b > 0 ? sprintf("%.2f %%", 100 * a / b) : "0 %" }
    BEGIN {
      printf "%s: %s in %.0f files; %s in %.0f files changed in the last %d days (%s): %s a week (%s of the total)\n",
        (n == p ? p : n " (" p ")"), human(t), f, human(c), cf, d, pct(c, t), human(w), pct(w, t)
    }' >&2
done

printf '%s\n' "$tsv"
if [ -n "$write" ]; then
  tmp="$write.tmp.$$"
  printf '%s\n' "$tsv" > "$tmp"
  mv -f "$tmp" "$write"
  echo "written to $write (plan reads <[state] dir>/growth.tsv)" >&2
fi
