# Sourced by the scripts that install Debian packages (install-deps.sh, local-s3.sh): one line per install step on
# stderr, the package manager's own output (hundreds of lines on a fresh machine) in a log file, shown only when the
# step fails.

# apt_install WHO PACKAGE...: installs the packages quietly; on failure prints the log's tail and returns 69.
apt_install() {
  local who=$1 log=${BTRFS_TO_S3_SETUP_LOG:-/var/tmp/btrfs_to_s3-setup.log}
  shift
  export DEBIAN_FRONTEND=noninteractive
  echo "$who: installing $* (apt's output in $log)" >&2
  echo "== $(date -u +%FT%TZ) $who: apt-get install $*" >> "$log"
  # A fresh machine may have no or stale package lists: update only when the install fails without.
  if apt-get install -y -q --no-install-recommends "$@" >> "$log" 2>&1; then
    return 0
  fi
  echo "== $(date -u +%FT%TZ) $who: apt-get update, then install again" >> "$log"
  if apt-get update -q >> "$log" 2>&1 && apt-get install -y -q --no-install-recommends "$@" >> "$log" 2>&1; then
    return 0
  fi
  echo "$who: installing $* failed; the last lines of $log:" >&2
  tail -n 30 "$log" >&2
  return 69
}
