#!/usr/bin/env bash
# Installs btrfs_to_s3 on this host: publishes both programs to /opt/btrfs_to_s3, installs the example
# configuration as /etc/btrfs_to_s3.ini (never overwriting one that exists; root:btrfs-to-s3 0640), makes the system
# user btrfs-to-s3 the uploader runs as, creates the spool and state directories from the configuration, shared with it
# through the group (root:btrfs-to-s3 2770) as the Debian package does, an empty /etc/btrfs_to_s3/aws-credentials, installs the systemd units with a drop-in that lets the hardened services write the
# configured directories, and prints what to edit next. It enables nothing: that is the last step, yours.
# The tmpfs spool's mount unit is always installed, but used only while [spool] dir is its mount point: then both
# services get spool-on-tmpfs.conf, which requires the mount (README, "Streaming: no scratch SSD").
# Needs root and the .NET SDK. PREFIX (default /opt/btrfs_to_s3) and CONFIG (default /etc/btrfs_to_s3.ini)
# may be set; UNIT_DIR (default /etc/systemd/system) too.
set -euo pipefail
cd "$(dirname "$0")/.."
prefix=${PREFIX:-/opt/btrfs_to_s3}
config=${CONFIG:-/etc/btrfs_to_s3.ini}
unit_dir=${UNIT_DIR:-/etc/systemd/system}
[ "$(id -u)" = 0 ] || { echo "install: run as root" >&2; exit 77; }
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

echo "install: publishing to $prefix"
dotnet publish Spooler -c Release -o "$prefix" -v quiet -nologo >/dev/null
dotnet publish Uploader -c Release -o "$prefix" -v quiet -nologo >/dev/null
install -m 0644 README.md "$prefix/README.md"

# The uploader's user; the spooler stays root and shares the spool and state with it through the group.
if ! getent passwd btrfs-to-s3 >/dev/null; then
  useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin btrfs-to-s3
  echo "install: made the system user btrfs-to-s3"
fi

if [ -e "$config" ]; then
  echo "install: $config exists; left as it is (the example is $prefix/btrfs_to_s3.ini.example)"
else
  install -m 0640 btrfs_to_s3.ini "$config"
  echo "install: installed the example configuration as $config"
fi
chown root:btrfs-to-s3 "$config"
chmod 0640 "$config"
install -d -m 0700 /etc/btrfs_to_s3
if [ ! -e /etc/btrfs_to_s3/aws-credentials ]; then install -m 0600 /dev/null /etc/btrfs_to_s3/aws-credentials; fi
install -m 0644 btrfs_to_s3.ini "$prefix/btrfs_to_s3.ini.example"

# The directories the services write, read from the configuration in force.
value() { awk -v section="[$1]" -v key="$2" '
  /^\[/ { in_section = ($0 == section) }
  in_section && $0 ~ "^" key "[ \t]*=" { sub(/^[^=]*=[ \t]*/, ""); print; exit }' "$config"; }
spool=$(value spool dir); spool=${spool:-/var/spool/btrfs_to_s3}; spool=${spool%/}
state=$(value state dir); state=${state:-/var/lib/btrfs_to_s3}
snapshots=$(value snapshots dir)
metrics=$(value state metrics_file)
tmpfs_spool=/run/btrfs_to_s3/spool   # Where= of systemd-units/run-btrfs_to_s3-spool.mount
if [ "$spool" = "$tmpfs_spool" ]; then
  # The mount makes its mount point. A directory made here would be a spool on /run itself until then, and the
  # spooler refuses a missing spool directory so that an unmounted spool is never written.
  install -d -o root -g btrfs-to-s3 -m 2770 "$state"
else
  install -d -o root -g btrfs-to-s3 -m 2770 "$spool" "$state"
fi

install -d "$unit_dir"
install -m 0644 systemd-units/btrfs-to-s3.timer systemd-units/btrfs-to-s3-spooler.service \
  systemd-units/btrfs-to-s3-uploader.service systemd-units/btrfs-to-s3-notify@.service \
  systemd-units/run-btrfs_to_s3-spool.mount "$unit_dir/"
for service in btrfs-to-s3-spooler btrfs-to-s3-uploader; do
  install -d "$unit_dir/$service.service.d"
  if [ "$spool" = "$tmpfs_spool" ]; then
    install -m 0644 systemd-units/spool-on-tmpfs.conf "$unit_dir/$service.service.d/"
  else
    rm -f "$unit_dir/$service.service.d/spool-on-tmpfs.conf"
  fi
  {
    echo "# Written by scripts/install.sh from $config: the directories this service may write."
    echo "[Service]"
    # The empty assignment drops the unit's default list: a listed path that does not exist fails the service
    # (226/NAMESPACE), as /var/spool/btrfs_to_s3 would where [spool] dir is elsewhere (e.g. on a tmpfs).
    echo "ReadWritePaths="
    # These programs run on the .NET JIT, which writes code at run time; the package's Native AOT ones do not.
    echo "MemoryDenyWriteExecute=no"
    if [ "$service" = btrfs-to-s3-spooler ]; then
      echo "ReadWritePaths=$spool $state${snapshots:+ $snapshots}"
    else
      echo "ReadWritePaths=$spool $state${metrics:+ $(dirname "$metrics")}"
    fi
    if [ "$prefix" != /opt/btrfs_to_s3 ] || [ "$config" != /etc/btrfs_to_s3.ini ]; then
      echo "ExecStart="
      if [ "$service" = btrfs-to-s3-spooler ]; then
        echo "ExecStart=$prefix/btrfs-to-s3-spooler --config $config"
      else
        echo "ExecStart=$prefix/btrfs-to-s3-uploader run --config $config"
      fi
    fi
  } > "$unit_dir/$service.service.d/paths.conf"
done
# The notifier runs the same JIT build.
install -d "$unit_dir/btrfs-to-s3-notify@.service.d"
printf '# Written by scripts/install.sh: the .NET JIT writes code at run time.\n[Service]\nMemoryDenyWriteExecute=no\n' \
  > "$unit_dir/btrfs-to-s3-notify@.service.d/jit.conf"
# A tmpfs spool is the group's too: tmpfs takes the group by number.
install -d "$unit_dir/run-btrfs_to_s3-spool.mount.d"
{
  echo "# Written by scripts/install.sh: the spool is shared with the uploader's group."
  echo "[Mount]"
  echo "Options=size=2112M,mode=2770,gid=$(getent group btrfs-to-s3 | cut -d: -f3),nosuid,nodev,noexec"
} > "$unit_dir/run-btrfs_to_s3-spool.mount.d/group.conf"
if [ -d /run/systemd/system ]; then systemctl daemon-reload; fi
if [ "$spool" = "$tmpfs_spool" ]; then
  echo "install: the spool is the tmpfs $tmpfs_spool: both services require run-btrfs_to_s3-spool.mount;"
  echo "  its size= must hold [spool] quota (systemctl edit run-btrfs_to_s3-spool.mount); by hand, start it first"
fi

cat <<MSG

install: done. Next:
  1. Edit $config: [subvolumes], [snapshots] dir (on the subvolumes' filesystem), [spool] dir and quota,
     [s3] bucket and region. Then run scripts/install.sh again, so the services may write the directories.
  2. Credentials: an instance role needs nothing; otherwise write them in the AWS shared credentials format
     ([default] aws_access_key_id = ..., aws_secret_access_key = ...) into /etc/btrfs_to_s3/aws-credentials (root,
     0600): the uploader's unit gets it through LoadCredential=, as the user btrfs-to-s3.
  3. Check: $prefix/btrfs-to-s3-uploader check --config $config
  4. Enable the weekly run: systemctl enable --now btrfs-to-s3.timer
     (schedule: OnCalendar in $unit_dir/btrfs-to-s3.timer; full cadence: [schedule] full_every_days)
MSG
