#!/usr/bin/env bash
# Benchmark of the whole pipeline (not a test): on a loopback btrfs holding BENCH_GIB (default 3) GiB of
# incompressible data and against the local S3 server, for each chunk size in BENCH_CHUNKS (default "256MiB 4GiB"):
# the spooler alone (a full into an empty spool), the uploader alone (draining that spool), and both started together
# as the timer starts them, with a quota of BENCH_QUOTA_CHUNKS (default 4) chunks so that the spooler pauses and
# resumes. Prints seconds, MB/s, peak RSS and CPU seconds per GiB of each process, and the overlap: together / the
# slower stage alone (1.00 = perfect overlap). Medians of BENCH_RUNS (default 3) runs, page caches dropped before each.
# Then the same through a simulated uplink, with an SSD spool and with a tmpfs spool (streaming operation); see below.
# [s3] part_size and concurrency are the defaults. Needs root. Starts the local S3 server if it is not running (and
# then stops it at the end); cleans up what it made.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

gib=${BENCH_GIB:-3}
runs=${BENCH_RUNS:-3}
chunk_sizes=${BENCH_CHUNKS:-256MiB 4GiB}
quota_chunks=${BENCH_QUOTA_CHUNKS:-4}

bash scripts/install-deps.sh
work=$(mktemp -d /var/tmp/btrfs_to_s3-bench-pipeline.XXXXXX)
source scripts/bench-lib.sh
tmpfs=$work/tmpfs
trap 'umount "$tmpfs" 2>/dev/null; bench_cleanup' EXIT
bench_setup_btrfs "$gib"
bench_setup_s3

spooler() { dotnet "$work/bin/btrfs-to-s3-spooler.dll" --config "$work/bench.ini" --full "$@"; }
uploader() { dotnet "$work/bin/btrfs-to-s3-uploader.dll" --config "$work/bench.ini" "$@"; }
mib() { echo $(( $(numfmt --from=iec-i "${1%B}") / 1048576 )); }
stream_bytes() { grep -o '"total_bytes": [0-9]*' "$work"/spool/data.*/seal.json | grep -o '[0-9]*$'; }

# BENCH_PARTS (default all three): pipeline (each stage alone and together), link (through the simulated uplink),
# encoding (compression and encryption, on this data and on a mixed fixture; see there).
parts=${BENCH_PARTS:-pipeline link encoding}
has() { [[ " $parts " == *" $1 "* ]]; }
per_gib() { echo "scale=2; $(printf '%s\n' "$@" | median) / ($bytes / 1073741824)" | bc; }
row() { printf '%-50s %9.2f %9.1f %11s %12s %13s %14s %8s\n' "$1" "$2" "$(echo "scale=1; $bytes / $2 / 1000000" | bc)" "$3" "$4" "$5" "$6" "$7"; }

printf '\n%-50s %9s %9s %11s %11s %13s %13s %8s\n' "run (medians of $runs)" "seconds" "MB/s" \
  "spooler RSS" "uploader RSS" "spooler s/GiB" "uploader s/GiB" "overlap"
has pipeline && for chunk in $chunk_sizes; do
  chunk_mib=$(mib "$chunk")
  s_secs=(); s_cpu=(); s_rss=(); u_secs=(); u_cpu=(); u_rss=(); t_secs=(); ts_cpu=(); ts_rss=(); tu_cpu=(); tu_rss=()
  for run in $(seq "$runs"); do
    # Alone: a quota that holds the whole stream, so the spooler never waits for the uploader.
    bench_config "$chunk" "$(( chunk_mib * 2 + gib * 2048 ))MiB"
    cold
    start=$(now)
    spooler > "$work/spooler.log" 2>&1 || { cat "$work/spooler.log" >&2; exit 1; }
    s_secs+=("$(echo "$(now) - $start" | bc)")
    read -r c r < <(finished "$work/spooler.log"); s_cpu+=("$c"); s_rss+=("$r")
    bytes=$(stream_bytes)
    cold
    start=$(now)
    uploader --once > "$work/uploader.log" 2>&1 || { cat "$work/uploader.log" >&2; exit 1; }
    u_secs+=("$(echo "$(now) - $start" | bc)")
    read -r c r < <(finished "$work/uploader.log"); u_cpu+=("$c"); u_rss+=("$r")
    bench_empty_bucket

    # Together, as the timer starts them: the uploader follows the spooler; the quota makes the spooler pause.
    bench_config "$chunk" "$(( chunk_mib * quota_chunks ))MiB"
    cold
    start=$(now)
    uploader > "$work/uploader.log" 2>&1 &
    up=$!
    spooler > "$work/spooler.log" 2>&1 || { cat "$work/spooler.log" >&2; exit 1; }
    wait "$up" || { cat "$work/uploader.log" >&2; exit 1; }
    t_secs+=("$(echo "$(now) - $start" | bc)")
    read -r c r < <(finished "$work/spooler.log"); ts_cpu+=("$c"); ts_rss+=("$r")
    read -r c r < <(finished "$work/uploader.log"); tu_cpu+=("$c"); tu_rss+=("$r")
    [ -z "$(find "$work/spool" -mindepth 1 ! -name '*.lock')" ] || { echo "the spool did not drain" >&2; ls -R "$work/spool" >&2; exit 1; }
    echo "chunk $chunk, run $run: spooler ${s_secs[-1]} s, uploader ${u_secs[-1]} s, together ${t_secs[-1]} s ($(grep -c 'pausing until' "$work/spooler.log" || true) quota pauses)" >&2
    bench_empty_bucket
  done
  s=$(printf '%s\n' "${s_secs[@]}" | median); u=$(printf '%s\n' "${u_secs[@]}" | median); t=$(printf '%s\n' "${t_secs[@]}" | median)
  slower=$(echo "if ($s > $u) $s else $u" | bc)
  row "chunk $chunk: spooler alone" "$s" "$(printf '%s\n' "${s_rss[@]}" | median) MiB" "-" "$(per_gib "${s_cpu[@]}")" "-" "-"
  row "chunk $chunk: uploader alone" "$u" "-" "$(printf '%s\n' "${u_rss[@]}" | median) MiB" "-" "$(per_gib "${u_cpu[@]}")" "-"
  row "chunk $chunk: together, quota $quota_chunks chunks" "$t" "$(printf '%s\n' "${ts_rss[@]}" | median) MiB" \
    "$(printf '%s\n' "${tu_rss[@]}" | median) MiB" "$(per_gib "${ts_cpu[@]}")" "$(per_gib "${tu_cpu[@]}")" "$(echo "scale=2; $t / $slower" | bc)"
done
# On this 2-core machine both stages are CPU-bound and share the cores with the S3 server, so "together" above cannot
# beat the sum of their CPU. On the host they are built for, the uplink is the slow stage: through a simulated uplink
# of BENCH_LINK_MBIT (default 800) Mbit/s with a 20-40 ms round trip (scripts/uplink-proxy.py), the uploader alone and
# the pair together, with 256MiB chunks and a 4-chunk quota on the SSD spool, then with the streaming configuration
# (README, "Streaming: no scratch SSD"): the spool on a tmpfs, 512MiB chunks, a 2GiB quota, and the peak memory that
# takes (the tmpfs's peak use plus both processes' peak RSS).
mbit=${BENCH_LINK_MBIT:-800}
port=${BENCH_PROXY_PORT:-7492}
proxy=
stop_link() { if [ -n "$proxy" ]; then kill "$proxy" 2>/dev/null; wait "$proxy" 2>/dev/null || true; proxy=; fi; }
trap 'stop_link; umount "$tmpfs" 2>/dev/null; bench_cleanup' EXIT
start_link() {
  python3 scripts/uplink-proxy.py "$port" "${S3_ENDPOINT#http://}" --mbit "$mbit" --rtt-ms 20-40 > "$work/proxy.log" 2>&1 &
  proxy=$!
  for _ in $(seq 50); do grep -q listening "$work/proxy.log" && break; sleep 0.1; done
}
via_link=(--s3.endpoint "http://127.0.0.1:$port")
# The tmpfs is sized as README says: the quota plus 64 MiB for the spooler's margin.
mkdir -p "$tmpfs"
mount -t tmpfs -o size=2112M,mode=0700 tmpfs "$tmpfs"

# link_rows LABEL CHUNK QUOTA SPOOL-DIR: the uploader alone through the link, then the pair together through it.
link_rows() {
  local u_secs=() u_cpu=() u_rss=() t_secs=() ts_cpu=() ts_rss=() tu_cpu=() tu_rss=() peaks=() pauses=() run peak used
  for run in $(seq "$runs"); do
    bench_config "$2" "$(( $(mib "$2") * 2 + gib * 2048 ))MiB"
    spooler > "$work/spooler.log" 2>&1 || { cat "$work/spooler.log" >&2; exit 1; }
    bytes=$(stream_bytes)
    start_link
    cold
    start=$(now)
    uploader --once "${via_link[@]}" > "$work/uploader.log" 2>&1 || { cat "$work/uploader.log" >&2; exit 1; }
    u_secs+=("$(echo "$(now) - $start" | bc)")
    stop_link
    read -r c r < <(finished "$work/uploader.log"); u_cpu+=("$c"); u_rss+=("$r")
    bench_empty_bucket

    bench_config "$2" "$3"
    sed -i "s|^dir = $work/spool\$|dir = $4|" "$work/bench.ini"
    start_link
    cold
    start=$(now)
    uploader "${via_link[@]}" > "$work/uploader.log" 2>&1 &
    up=$!
    spooler > "$work/spooler.log" 2>&1 &
    sp=$!
    peak=0
    while kill -0 "$sp" 2>/dev/null || kill -0 "$up" 2>/dev/null; do
      used=$(du -sb "$4" 2>/dev/null | cut -f1 || true)
      [ "${used:-0}" -gt "$peak" ] && peak=$used
      sleep 0.1
    done
    wait "$sp" || { cat "$work/spooler.log" >&2; exit 1; }
    wait "$up" || { cat "$work/uploader.log" >&2; exit 1; }
    t_secs+=("$(echo "$(now) - $start" | bc)")
    stop_link
    read -r c r < <(finished "$work/spooler.log"); ts_cpu+=("$c"); ts_rss+=("$r")
    read -r c r < <(finished "$work/uploader.log"); tu_cpu+=("$c"); tu_rss+=("$r")
    peaks+=("$(( peak / 1048576 + ts_rss[-1] + tu_rss[-1] ))")
    pauses+=("$(grep -c 'pausing until' "$work/spooler.log" || true)")
    echo "$1, run $run: uploader alone ${u_secs[-1]} s, together ${t_secs[-1]} s, ${pauses[-1]} quota pauses, spool peak $(( peak / 1048576 )) MiB" >&2
    bench_empty_bucket
  done
  u=$(printf '%s\n' "${u_secs[@]}" | median); t=$(printf '%s\n' "${t_secs[@]}" | median)
  row "$1: uploader alone" "$u" "-" "$(printf '%s\n' "${u_rss[@]}" | median) MiB" "-" "$(per_gib "${u_cpu[@]}")" "-"
  row "$1: together" "$t" "$(printf '%s\n' "${ts_rss[@]}" | median) MiB" \
    "$(printf '%s\n' "${tu_rss[@]}" | median) MiB" "$(per_gib "${ts_cpu[@]}")" "$(per_gib "${tu_cpu[@]}")" "$(echo "scale=2; $t / $u" | bc)"
  printf '%-50s quota pauses per run %s; peak memory (spool in use + spooler RSS + uploader RSS) %s MiB\n' "" \
    "$(printf '%s\n' "${pauses[@]}" | median)" "$(printf '%s\n' "${peaks[@]}" | median)"
}

if has link; then
  link_rows "$mbit Mbit/s link, SSD spool, 256MiB x 4" 256MiB 1GiB "$work/spool"
  link_rows "$mbit Mbit/s link, tmpfs spool, 512MiB x 4" 512MiB 2GiB "$tmpfs"
fi
if has pipeline || has link; then
  printf '\nstream: %s bytes; overlap = together / slower stage alone (target <= 1.10; through the link the uploader is the slower stage); targets: peak RSS <= 256 MiB, spooler <= 1.5 CPU s/GiB\n' "$bytes"
fi

# Chunk encoding. The spooler alone (a full into an empty spool, 256MiB chunks) with [spool] compression none, auto,
# zstd:3 and auto with age encryption, first on the incompressible data above, then on a mixed fixture of
# BENCH_MIXED_MIB (default 1536) MiB in subvolume mixed, a third each: a raw VM disk image holding an ext4 filesystem
# filled with a copy of /usr, a tree of text and source files (/usr/include, python, docs), and random data standing for
# photos and video. Columns: seconds, MB/s and CPU s/GiB of the stream as btrfs send wrote it, peak RSS, and the
# stored bytes (what the link carries and S3 keeps) against the stream's. Then the pair together through the
# simulated uplink on the mixed fixture, none against auto: wall time and bytes sent.
stored_bytes() { python3 -c 'import json,sys; print(sum(c["size"] for c in json.load(open(sys.argv[1]))["chunks"]))' "$(ls "$work"/spool/data.*/seal.json)"; }
drop_snapshots() { for s in "$work"/mnt/.btrfs_to_s3/*; do [ -e "$s" ] && btrfs subvolume delete "$s" >/dev/null; done; rm -rf "$work"/state/*; }
# enc_rows LABEL ARGS...: the spooler alone with those overrides, medians of BENCH_RUNS.
enc_rows() {
  local label=$1 secs=() cpu=() rss=() run stored
  shift
  for run in $(seq "$runs"); do
    rm -rf "$work"/spool/data.*
    drop_snapshots
    cold
    start=$(now)
    spooler "$@" > "$work/spooler.log" 2>&1 || { cat "$work/spooler.log" >&2; exit 1; }
    secs+=("$(echo "$(now) - $start" | bc)")
    read -r c r < <(finished "$work/spooler.log"); cpu+=("$c"); rss+=("$r")
    bytes=$(stream_bytes); stored=$(stored_bytes)
  done
  local t
  t=$(printf '%s\n' "${secs[@]}" | median)
  printf '%-50s %9.2f %9.1f %11s %13s %14s\n' "$label" "$t" "$(echo "scale=1; $bytes / $t / 1000000" | bc)" \
    "$(printf '%s\n' "${rss[@]}" | median) MiB" "$(per_gib "${cpu[@]}")" "$(echo "scale=3; $stored / $bytes" | bc)"
}
if has encoding; then
  recipient=$(age-keygen -o "$work/age-key.txt" 2>&1 | grep -o 'age1[a-z0-9]*')
  encodings=(
    "compression none|--spool.compression none"
    "compression auto|--spool.compression auto"
    "compression zstd:3|--spool.compression zstd:3"
    "compression auto, age encryption|--spool.compression auto --encryption.recipients $recipient"
  )
  bench_config 256MiB "$(( 512 + gib * 2048 ))MiB"
  printf '\n%-50s %9s %9s %11s %13s %14s\n' "spooler alone, full (medians of $runs)" "seconds" "MB/s" "spooler RSS" "spooler s/GiB" "stored/stream"
  for e in "${encodings[@]}"; do
    read -ra args <<< "${e#*|}"
    enc_rows "incompressible, ${e%%|*}" "${args[@]}"
  done

  mixed_mib=${BENCH_MIXED_MIB:-1536}
  third=$(( mixed_mib / 3 ))
  echo "setting up the mixed fixture ($mixed_mib MiB)..." >&2
  btrfs subvolume create "$work/mnt/mixed" >/dev/null
  image=$work/mnt/mixed/vm-100-disk-0.raw
  truncate -s "${third}M" "$image"
  mkfs.ext4 -q -F "$image"
  mkdir -p "$work/vm"
  mount -o loop "$image" "$work/vm"
  for d in /usr/*/; do
    [ "$(df --output=avail -m "$work/vm" | tail -1)" -gt 64 ] || break
    cp -a "$d" "$work/vm/" 2>/dev/null || true
  done
  umount "$work/vm"
  mkdir -p "$work/mnt/mixed/src"
  for d in /usr/include /usr/lib/python3 /usr/share/perl5 /usr/share/doc /usr/share/man "$PWD"; do
    [ "$(du -sm "$work/mnt/mixed/src" | cut -f1)" -lt "$third" ] || break
    cp -a "$d" "$work/mnt/mixed/src/" 2>/dev/null || true
  done
  head -c "$(( third * 1048576 ))" /dev/urandom > "$work/mnt/mixed/photos.bin"
  sync
  echo "mixed fixture: $(du -sm "$image" | cut -f1) MiB image, $(du -sm "$work/mnt/mixed/src" | cut -f1) MiB of text and source, $third MiB random" >&2
  sed -i "s|^data = .*|data = $work/mnt/mixed|" "$work/bench.ini"
  for e in "${encodings[@]}"; do
    read -ra args <<< "${e#*|}"
    enc_rows "mixed, ${e%%|*}" "${args[@]}"
  done

  # Through the link: the pair together as the timer starts them, the SSD spool with 256MiB chunks and a 4-chunk quota.
  printf '\n%-50s %9s %14s %14s %11s %12s\n' "mixed, through $mbit Mbit/s (medians of $runs)" "seconds" "stream bytes" "bytes sent" "spooler RSS" "uploader RSS"
  for compression in none auto; do
    secs=(); ts_rss=(); tu_rss=()
    for run in $(seq "$runs"); do
      rm -rf "$work"/spool/data.*
      drop_snapshots
      bench_empty_bucket
      sed -i "s|^quota = .*|quota = 1GiB|" "$work/bench.ini"
      start_link
      cold
      start=$(now)
      uploader "${via_link[@]}" > "$work/uploader.log" 2>&1 &
      up=$!
      spooler --spool.compression "$compression" > "$work/spooler.log" 2>&1 || { cat "$work/spooler.log" >&2; exit 1; }
      wait "$up" || { cat "$work/uploader.log" >&2; exit 1; }
      secs+=("$(echo "$(now) - $start" | bc)")
      stop_link
      read -r c r < <(finished "$work/spooler.log"); ts_rss+=("$r")
      read -r c r < <(finished "$work/uploader.log"); tu_rss+=("$r")
      bytes=$(grep -o 'sealed, [0-9]* chunks, [0-9]* bytes' "$work/spooler.log" | grep -o '[0-9]* bytes' | grep -o '[0-9]*')
      sent=$(grep -o 'ready, [0-9]* bytes' "$work/spooler.log" | grep -o '[0-9]*' | paste -sd+ | bc)
    done
    printf '%-50s %9.2f %14s %14s %11s %12s\n' "compression $compression, together" "$(printf '%s\n' "${secs[@]}" | median)" "$bytes" "$sent" \
      "$(printf '%s\n' "${ts_rss[@]}" | median) MiB" "$(printf '%s\n' "${tu_rss[@]}" | median) MiB"
  done
fi
