#!/usr/bin/env bash
# Local S3 server for tests, CI and the demo: a single-node Ceph RADOS Gateway
# (Debian 12 packages) on 127.0.0.1:7480.
#
#   scripts/local-s3.sh start|stop|status|env|purge
#   scripts/local-s3.sh user NAME|user-rm NAME|bucket-rm BUCKET
#
# start/env print shell-sourceable connection settings on stdout (progress on
# stderr); status exits 0 only when S3 answers. `user NAME` makes a second S3
# user (idempotent) and prints its AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY: it
# owns no bucket, so it can do only what a bucket policy with the principal
# arn:aws:iam:::user/NAME grants it (the permission tests). `user-rm NAME`
# removes it. `bucket-rm BUCKET` removes a test bucket with its objects, past
# any COMPLIANCE retention (which S3 itself never lets anyone shorten).
#
# Everything (config, mon/osd data, the OSD's sparse block file, logs, pid
# files) lives in ${LOCAL_S3_DIR:-/var/tmp/btrfs_to_s3-local-s3}; nothing in
# /etc/ceph, no systemd, so it works from a plain shell in CI.
set -euo pipefail

STATE_DIR="${LOCAL_S3_DIR:-/var/tmp/btrfs_to_s3-local-s3}"
CONF="$STATE_DIR/ceph.conf"
PORT=7480
ENDPOINT="http://127.0.0.1:$PORT"
# Fixed test-only credentials; deliberately not AWS-shaped (no AKIA prefix)
# so secret scanners and people never mistake them for real keys.
ACCESS_KEY=BTRFSTOS3TESTKEY0001
SECRET_KEY=btrfs-to-s3-local-test-secret-0000000001
# RGW's default zonegroup accepts us-east-1: clients send no LocationConstraint
# for it, and any other value would have to match the zonegroup's api_name.
REGION=us-east-1
S3_UID=btrfs-to-s3-test
OSD_BLOCK_SIZE=$((20 * 1024 * 1024 * 1024))
START_TIMEOUT=120

DAEMONS=(mon osd rgw)

log() { echo "local-s3: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

print_env() {
    cat <<EOF
S3_ENDPOINT=$ENDPOINT
AWS_ACCESS_KEY_ID=$ACCESS_KEY
AWS_SECRET_ACCESS_KEY=$SECRET_KEY
AWS_REGION=$REGION
AWS_DEFAULT_REGION=$REGION
AWS_EC2_METADATA_DISABLED=true
EOF
}

ceph_cli() { ceph -c "$CONF" --connect-timeout 10 "$@"; }
rgw_admin() { radosgw-admin -c "$CONF" "$@"; }

ensure_installed() {
    local missing=0 b
    for b in ceph-mon ceph-osd radosgw radosgw-admin ceph monmaptool curl; do
        command -v "$b" >/dev/null 2>&1 || missing=1
    done
    [ "$missing" = 0 ] && return 0
    [ "$(id -u)" = 0 ] || die "ceph is not installed and installing needs root"
    # One line on stderr, apt's output in a log: stdout carries only the env lines, so
    # `eval "$(scripts/local-s3.sh start)"` works.
    source "$(dirname "${BASH_SOURCE[0]}")/apt-install.sh"
    apt_install "local-s3 (first use)" ceph-mon ceph-osd radosgw ceph-common curl || die "could not install ceph"
}

pid_file() { echo "$STATE_DIR/run/$1.pid"; }

# Prints the pid if the daemon recorded in the pid file is alive and is really
# ours (the pid was not reused by an unrelated process).
daemon_pid() {
    local f pid
    f="$(pid_file "$1")"
    [ -f "$f" ] || return 1
    pid="$(cat "$f")"
    [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$CONF" || return 1
    echo "$pid"
}

running_count() {
    local n=0 d
    for d in "${DAEMONS[@]}"; do
        daemon_pid "$d" >/dev/null && n=$((n + 1))
    done
    echo "$n"
}

# Foreground daemons in their own session: a stable pid for the pid file, and
# no SIGHUP/SIGINT from the shell that ran `start`.
spawn() {
    local name="$1"
    shift
    if daemon_pid "$name" >/dev/null; then
        return 0
    fi
    setsid "$@" -c "$CONF" -f </dev/null >>"$STATE_DIR/log/$name.out" 2>&1 &
    echo $! >"$(pid_file "$name")"
}

wait_until() {
    local what="$1" timeout="$2"
    shift 2
    local end=$((SECONDS + timeout))
    until "$@" >/dev/null 2>&1; do
        [ "$SECONDS" -lt "$end" ] || die "timed out after ${timeout}s waiting for $what (logs: $STATE_DIR/log)"
        sleep 1
    done
}

# As wait_until, but fails instead of exiting, and at once when daemon $2 has died.
try_until() {
    local what="$1" daemon="$2" timeout="$3"
    shift 3
    local end=$((SECONDS + timeout))
    until "$@" >/dev/null 2>&1; do
        if ! daemon_pid "$daemon" >/dev/null || [ "$SECONDS" -ge "$end" ]; then
            log "$what did not come up"
            return 1
        fi
        sleep 1
    done
}

# Starts the stored cluster; fails when it does not come up.
start_stored() {
    check_ports mon 3300 6789
    spawn mon ceph-mon -i a
    try_until "the monitor" mon 60 mon_ready || return 1
    spawn osd ceph-osd -i 0
    try_until "the OSD" osd 90 osd_up
}

conf_fsid() { awk '/^fsid/ {print $3}' "$CONF"; }
# Asks by fsid, so a cluster from another state dir on the same ports is
# never mistaken for ours.
mon_ready() { [ "$(ceph_cli fsid 2>/dev/null)" = "$(conf_fsid)" ]; }
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# Ports must be free unless our own daemon holds them: another instance
# (e.g. with a different LOCAL_S3_DIR) would otherwise get our commands.
check_ports() {
    local name="$1" p
    shift
    daemon_pid "$name" >/dev/null && return 0
    for p in "$@"; do
        if port_busy "$p"; then
            die "127.0.0.1:$p is already in use (another local-s3 with a different LOCAL_S3_DIR?)"
        fi
    done
}

osd_up() { ceph_cli osd dump 2>/dev/null | grep -q '^osd\.0 up'; }
s3_answers() { curl -fsS -o /dev/null --max-time 3 "$ENDPOINT/"; }

write_conf() {
    mkdir -p "$STATE_DIR"/{run,log,mon,osd}
    local fsid
    fsid="$(cat /proc/sys/kernel/random/uuid)"
    cat >"$CONF" <<EOF
# Generated by scripts/local-s3.sh; throwaway single-node test cluster.
[global]
fsid = $fsid
mon host = [v2:127.0.0.1:3300,v1:127.0.0.1:6789]
mon initial members = a
public network = 127.0.0.0/8
run dir = $STATE_DIR/run
admin socket = $STATE_DIR/run/\$cluster-\$name.\$pid.asok
log file = $STATE_DIR/log/\$cluster-\$name.log
mon cluster log file = $STATE_DIR/log/\$cluster.log
log max recent = 500
# RocksDB's option/stat dumps are most of the OSD log otherwise.
debug rocksdb = 0/5
# Local test data only: no cephx, so no keyrings to manage.
auth cluster required = none
auth service required = none
auth client required = none
# radosgw never comes up with the default "secure crc" messenger modes here.
ms cluster mode = crc
ms service mode = crc
ms client mode = crc
ms mon cluster mode = crc
ms mon service mode = crc
ms mon client mode = crc
# One OSD: single-replica pools, few PGs (RGW creates ~8 pools) and no
# autoscaler (that lives in the mgr, which we do not run).
osd pool default size = 1
osd pool default min size = 1
mon allow pool size one = true
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
mon max pg per osd = 1000
osd crush chooseleaf type = 0
mon warn on pool no redundancy = false
mon warn on insecure global id reclaim allowed = false

[mon]
mon data = $STATE_DIR/mon/\$cluster-\$id

[osd]
osd data = $STATE_DIR/osd/\$cluster-\$id
osd objectstore = bluestore
# BlueStore on a sparse file: data goes to disk, not RAM (memstore grew to
# 10 GiB); the file only takes the space actually written.
bluestore block create = true
bluestore block size = $OSD_BLOCK_SIZE
osd memory target = 1073741824
osd op num shards = 2
osd op num threads per shard = 1

[client.rgw.local]
rgw frontends = beast endpoint=127.0.0.1:$PORT
rgw thread pool size = 64
# SSE-S3 (x-amz-server-side-encryption: AES256) is refused over plain HTTP
# (400 InvalidRequest) unless this is off; the server only listens on loopback.
rgw crypt require ssl = false
# Ceph 16 then stores such objects unencrypted and never echoes the header.
# Deliberately no "rgw crypt default encryption key": it would encrypt every
# object, and Ceph 16 answers CopyObject of an encrypted object with 501.
EOF
}

first_time_setup() {
    log "setting up a new cluster in $STATE_DIR"
    # A half-finished earlier setup is not worth repairing: start over.
    rm -rf "$STATE_DIR"
    write_conf

    monmaptool --create --clobber --fsid "$(conf_fsid)" \
        --addv a '[v2:127.0.0.1:3300,v1:127.0.0.1:6789]' "$STATE_DIR/monmap" >/dev/null
    ceph-mon -c "$CONF" --mkfs -i a --monmap "$STATE_DIR/monmap" \
        >>"$STATE_DIR/log/mkfs.out" 2>&1
    check_ports mon 3300 6789
    spawn mon ceph-mon -i a
    wait_until "the monitor" 60 mon_ready

    local uuid id
    uuid="$(cat /proc/sys/kernel/random/uuid)"
    id="$(ceph_cli osd new "$uuid")"
    [ "$id" = 0 ] || die "expected osd id 0, got '$id'"
    mkdir -p "$STATE_DIR/osd/ceph-0"
    # mkfs creates the sparse block file (bluestore block create/size).
    ceph-osd -c "$CONF" -i 0 --mkfs --osd-uuid "$uuid" >>"$STATE_DIR/log/mkfs.out" 2>&1
    spawn osd ceph-osd -i 0
    wait_until "the OSD" 90 osd_up

    # Creating the user also creates the default realm-less zone/zonegroup,
    # which `placement add` needs but does not create itself.
    rgw_admin user create --uid "$S3_UID" --display-name "btrfs_to_s3 tests" \
        --access-key "$ACCESS_KEY" --secret-key "$SECRET_KEY" >/dev/null
    # Storage classes must exist in the zone before radosgw first starts,
    # otherwise PutObject with them is rejected (InvalidStorageClass).
    local sc
    for sc in STANDARD_IA GLACIER DEEP_ARCHIVE; do
        rgw_admin zonegroup placement add --rgw-zonegroup default \
            --placement-id default-placement --storage-class "$sc" >/dev/null
        rgw_admin zone placement add --rgw-zone default \
            --placement-id default-placement --storage-class "$sc" \
            --data-pool default.rgw.buckets.data >/dev/null
    done
    touch "$STATE_DIR/setup-done"
}

cmd_start() {
    if [ -f "$STATE_DIR/setup-done" ] && [ "$(running_count)" = "${#DAEMONS[@]}" ]; then
        log "already running"
        print_env
        return 0
    fi
    ensure_installed
    local t0=$SECONDS
    # A failed start must not leave half a cluster holding the ports; the logs
    # stay for a look.
    trap 'log "start failed; stopping what was started"; cmd_stop' EXIT
    if [ -f "$STATE_DIR/setup-done" ]; then
        if ! start_stored; then
            # Seen here once: an OSD stopped mid-write, its next start failing on a
            # damaged map (bad crc32c). The cluster holds only test data, and a test
            # run must not hinge on repairing it: it is set up anew.
            log "the stored cluster does not start ($(grep -m1 -h 'FAILED\|bad crc' "$STATE_DIR"/log/osd.out "$STATE_DIR"/log/mon.out 2>/dev/null || echo 'see its logs')); it holds only test data: setting up a new one"
            cmd_stop >/dev/null 2>&1 || true
            first_time_setup
        fi
    else
        # Stray daemons from a failed setup would hold the ports.
        cmd_stop >/dev/null 2>&1 || true
        first_time_setup
    fi
    check_ports rgw "$PORT"
    spawn rgw radosgw -n client.rgw.local
    wait_until "S3 on $ENDPOINT" "$START_TIMEOUT" s3_answers
    trap - EXIT
    log "running (started in $((SECONDS - t0))s); state in $STATE_DIR"
    print_env
}

cmd_stop() {
    local d pid pids=()
    # Reverse order: rgw first so it does not hang on a vanished cluster.
    for d in rgw osd mon; do
        if pid="$(daemon_pid "$d")"; then
            kill -TERM "$pid" 2>/dev/null || true
            pids+=("$pid")
            # Let each tier go before its dependency disappears.
            wait_gone 30 "$pid"
        fi
        rm -f "$(pid_file "$d")"
    done
    if [ "${#pids[@]}" = 0 ]; then log "not running"; else log "stopped"; fi
}

wait_gone() {
    local timeout="$1" pid="$2" end=$((SECONDS + $1))
    while [ -e "/proc/$pid" ]; do
        if [ "$SECONDS" -ge "$end" ]; then
            log "pid $pid did not exit after ${timeout}s; sending SIGKILL"
            kill -KILL "$pid" 2>/dev/null || true
            sleep 1
            return 0
        fi
        sleep 0.2
    done
}

cmd_status() {
    local n d pid
    n="$(running_count)"
    for d in "${DAEMONS[@]}"; do
        if pid="$(daemon_pid "$d")"; then echo "$d: running (pid $pid)"; else echo "$d: stopped"; fi
    done
    if [ "$n" = "${#DAEMONS[@]}" ] && s3_answers; then
        echo "local S3 is running on $ENDPOINT"
        return 0
    fi
    echo "local S3 is not running"
    return 1
}

# A second user's keys follow from its name, so `user` can print them again
# without reading radosgw-admin's JSON; test-only, like the main user's.
user_access_key() { echo "BTRFSTOS3USER$(printf '%s' "$1" | sha1sum | cut -c1-12 | tr 'a-f' 'A-F')"; }
user_secret_key() { echo "btrfs-to-s3-local-user-$(printf '%s' "$1" | sha1sum | cut -c1-24)"; }

valid_user_name() {
    [[ "$1" =~ ^[a-z0-9][a-z0-9-]{0,62}$ ]] || die "user name '$1': lowercase letters, digits and '-' only"
    [ "$1" != "$S3_UID" ] || die "user name '$1' is the main test user"
}

cmd_user() {
    local name="$1"
    valid_user_name "$name"
    if ! rgw_admin user info --uid "$name" >/dev/null 2>&1; then
        rgw_admin user create --uid "$name" --display-name "btrfs_to_s3 permission tests: $name" \
            --access-key "$(user_access_key "$name")" --secret-key "$(user_secret_key "$name")" >/dev/null
    fi
    cat <<EOF
AWS_ACCESS_KEY_ID=$(user_access_key "$name")
AWS_SECRET_ACCESS_KEY=$(user_secret_key "$name")
EOF
}

cmd_user_rm() {
    local name="$1"
    valid_user_name "$name"
    if rgw_admin user info --uid "$name" >/dev/null 2>&1; then
        rgw_admin user rm --uid "$name" >/dev/null
    fi
}

# A test bucket whose objects are under COMPLIANCE retention cannot be emptied through S3 before the date, not even
# by its owner: the gateway's admin tool removes it with its objects, past the lock.
cmd_bucket_rm() {
    local name="$1"
    [[ "$name" =~ ^btrfs-to-s3-test-[a-z0-9]+$ ]] || { log "ERROR: only test buckets (btrfs-to-s3-test-*) are removed this way"; exit 2; }
    rgw_admin bucket rm --bucket "$name" --purge-objects --bypass-gc >/dev/null 2>&1 || true
}

cmd_purge() {
    cmd_stop
    rm -rf "$STATE_DIR"
    log "removed $STATE_DIR"
}

case "${1:-}" in
start) cmd_start ;;
stop) cmd_stop ;;
status) cmd_status ;;
env) print_env ;;
purge) cmd_purge ;;
user | user-rm)
    [ $# = 2 ] || { echo "usage: $0 $1 NAME" >&2; exit 2; }
    if [ "$1" = user ]; then cmd_user "$2"; else cmd_user_rm "$2"; fi
    ;;
bucket-rm)
    [ $# = 2 ] || { echo "usage: $0 $1 BUCKET" >&2; exit 2; }
    cmd_bucket_rm "$2"
    ;;
*)
    echo "usage: $0 start|stop|status|env|purge|user NAME|user-rm NAME|bucket-rm BUCKET" >&2
    exit 2
    ;;
esac
