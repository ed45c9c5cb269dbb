#!/usr/bin/env bash
# Benchmark of an upload on an unreliable uplink (not a test): one spooled chunk of about BENCH_GIB (default 1) GiB,
# sent to the local S3 server through scripts/uplink-proxy.py (BENCH_MBIT, default 320 Mbit/s = 40 MB/s, 20-40 ms round
# trips) in [s3] part_size 16MiB parts, 4 at once. Each row is one run and prints the bytes the link carried against the
# chunk's size:
#   baseline            no fault;
#   outage              the link drops for BENCH_OUTAGE_S (default 75) s at about 55 % of the chunk;
#   kill -9             the uploader is killed at about 55 %, then run again (both runs counted);
#   kill -9, S3 restart the same, with the S3 server restarted between the two runs.
# Then the bandwidth cap: [uploader] bandwidth = 100Mbit on an uncapped link, the rate in every 10 s window of the run
# against 12.5 MB/s; and a timetable whose boundary falls in the middle of a run (50 Mbit/s, then 150 Mbit/s), the rate
# on each side. Needs root. Starts the local S3 server if it is not running (and stops it at the end); cleans up.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

gib=${BENCH_GIB:-1}
mbit=${BENCH_MBIT:-320}
outage=${BENCH_OUTAGE_S:-75}
port=${BENCH_PROXY_PORT:-7492}

bash scripts/install-deps.sh
work=$(mktemp -d /var/tmp/btrfs_to_s3-bench-resume.XXXXXX)
source scripts/bench-lib.sh
proxy=
uploader=
stop_proxy() { if [ -n "$proxy" ]; then kill "$proxy" 2>/dev/null; wait "$proxy" 2>/dev/null || true; proxy=; fi; }
trap 'stop_proxy; [ -n "$uploader" ] && kill -9 "$uploader" 2>/dev/null; bench_cleanup' EXIT
bench_setup_btrfs "$gib"
bench_setup_s3
upstream=${S3_ENDPOINT#http://}

bench_config "$(( gib * 2 ))GiB" "$(( gib * 2 + 2 ))GiB" "part_size = 16MiB
concurrency = 4"
echo "spooling it..." >&2
dotnet "$work/bin/btrfs-to-s3-spooler.dll" --config "$work/bench.ini" --full > "$work/spooler.log" 2>&1 || { cat "$work/spooler.log" >&2; exit 1; }
mkdir "$work/spool-copy"
mv "$work"/spool/data.* "$work/spool-copy/"
chunk_bytes=$(stat -c %s "$work"/spool-copy/data.*/chunk-000000)

start_proxy() { # MBIT
  rm -f "$work/carried.log"
  python3 scripts/uplink-proxy.py "$port" "$upstream" --mbit "$1" --rtt-ms 20-40 --carried-log "$work/carried.log" > "$work/proxy.log" 2>&1 &
  proxy=$!
  for _ in $(seq 50); do grep -q listening "$work/proxy.log" && break; sleep 0.1; done
}
carried() { tail -n1 "$work/carried.log" | cut -d' ' -f2; }
start_uploader() { # extra arguments
  dotnet "$work/bin/btrfs-to-s3-uploader.dll" --config "$work/bench.ini" --once --s3.endpoint "http://127.0.0.1:$port" \
    --uploader.give_up_after 10m "$@" >> "$work/uploader.log" 2>&1 &
  uploader=$!
}
# Sets code to the uploader's exit code (not in a subshell: only this shell can wait for its child).
wait_uploader() { code=0; wait "$uploader" || code=$?; uploader=; }
wait_for_carried() { # BYTES
  while [ "$(carried 2>/dev/null || echo 0)" -lt "$1" ]; do sleep 0.05; done
}
fresh() { cp -a "$work"/spool-copy/data.* "$work/spool/"; : > "$work/uploader.log"; }
report() { # LABEL EXIT
  printf '%-22s %6s %16s %16s %8s\n' "$1" "$2" "$chunk_bytes" "$(carried)" "$(echo "scale=3; $(carried) / $chunk_bytes" | bc)"
  stop_proxy
  bench_empty_bucket
}

printf '\n%-22s %6s %16s %16s %8s\n' "fault" "exit" "chunk bytes" "link carried" "ratio"
fresh; start_proxy "$mbit"; start_uploader; wait_uploader; report "baseline" "$code"

fresh; start_proxy "$mbit"; start_uploader
wait_for_carried $(( chunk_bytes * 55 / 100 )); kill -USR1 "$proxy"; sleep "$outage"; kill -USR2 "$proxy"
wait_uploader; report "outage ${outage} s" "$code"

fresh; start_proxy "$mbit"; start_uploader
wait_for_carried $(( chunk_bytes * 55 / 100 )); kill -9 "$uploader"; wait_uploader
start_uploader; wait_uploader; report "kill -9, rerun" "$code"

fresh; start_proxy "$mbit"; start_uploader
wait_for_carried $(( chunk_bytes * 55 / 100 )); kill -9 "$uploader"; wait_uploader
bash scripts/local-s3.sh stop >/dev/null 2>&1; restarted=$(now); eval "$(bash scripts/local-s3.sh start 2>/dev/null)"
echo "S3 server restarted in $(echo "$(now) - $restarted" | bc | cut -c1-5) s" >&2
start_uploader; wait_uploader; report "kill -9, S3 restart" "$code"

# rates FROM TO: MB/s over every 10 s window of the carried log between FROM and TO seconds (min and max).
rates() {
  awk -v from="$1" -v to="$2" '{ t[NR] = $1; b[NR] = $2 } END {
    min = 1e18; max = 0
    for (i = 1; i <= NR; i++) { if (t[i] < from) continue
      for (j = i; j <= NR && t[j] < t[i] + 10; j++) ; if (j > NR || t[j] > to) break
      r = (b[j] - b[i]) / (t[j] - t[i]) / 1e6; if (r < min) min = r; if (r > max) max = r }
    printf "%.2f %.2f\n", min, max }' "$work/carried.log"
}
active() { # first and last second the log shows bytes moving
  awk 'NR == 1 { p = $2 } $2 > p && !f { f = $1 } $2 > p { l = $1 } { p = $2 } END { print f, l }' "$work/carried.log"
}

fresh; start_proxy 100000; start_uploader --uploader.bandwidth 100Mbit; wait_uploader
read -r first last < <(active)
read -r low high < <(rates "$(echo "$first + 2" | bc)" "$(echo "$last - 2" | bc)")
printf '\nbandwidth = 100Mbit (12.50 MB/s), exit %s: every 10 s window from %.2f to %.2f MB/s (%+.1f %% to %+.1f %%)\n' \
  "$code" "$low" "$high" "$(echo "($low / 12.5 - 1) * 100" | bc -l)" "$(echo "($high / 12.5 - 1) * 100" | bc -l)"
grep -oE "bandwidth cap now [^;]*" "$work/uploader.log" | head -3 >&2 || true
report "bandwidth 100Mbit" "$code" >/dev/null

# A boundary at the next whole minute at least 25 s away: 50 Mbit/s before it, 150 Mbit/s after.
boundary=$(date -d "@$(( ($(date +%s) + 25 + 59) / 60 * 60 ))" +%H:%M)
if [ "$boundary" = 00:00 ]; then boundary=00:01; sleep 60; fi
fresh; start_proxy 100000; started=$(date +%s)
start_uploader --uploader.bandwidth "00:00,50Mbit $boundary,150Mbit"
wait_uploader
at=$(( $(date -d "$boundary" +%s) - started ))
read -r before_low before_high < <(rates 3 $(( at - 1 )))
read -r after_low after_high < <(rates $(( at + 2 )) 100000)
printf 'timetable 00:00,50Mbit %s,150Mbit, exit %s: before the boundary %s to %s MB/s (cap 6.25), after it %s to %s MB/s (cap 18.75)\n' \
  "$boundary" "$code" "$before_low" "$before_high" "$after_low" "$after_high"
grep -oE "(bandwidth cap now|no bandwidth cap)[^;]*" "$work/uploader.log" >&2 || true
report "timetable" "$code" >/dev/null
printf '\nchunk of %s bytes, part_size 16MiB, concurrency 4, link %s Mbit/s with 20-40 ms round trips\n' "$chunk_bytes" "$mbit"
