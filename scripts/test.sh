#!/usr/bin/env bash
# The test command (README, and .ci/run): installs what the tests need, starts the local S3 server,
# runs every test of spooler.sln and ends with the line "N passed, N failed, N skipped".
# Needs root: the tests make loopback btrfs filesystems. Extra arguments go to dotnet test (e.g. --filter X).
set -euo pipefail
cd "$(dirname "$0")/.."

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
bash scripts/install-deps.sh

# The local S3 server is stopped again however the tests end.
eval "$(bash scripts/local-s3.sh start)"
export S3_ENDPOINT AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_REGION
trap 'bash scripts/local-s3.sh stop >&2 || true' EXIT

results=$(mktemp -d)
status=0
dotnet test spooler.sln -c Release --logger "trx;LogFileName=results.trx" --results-directory "$results" "$@" || status=$?

bash scripts/local-s3.sh stop >&2 || true
trap - EXIT

trx="$results/results.trx"
if [ ! -f "$trx" ]; then
  echo "0 passed, 1 failed, 0 skipped"
  exit 1
fi
counter() { grep -o "<Counters [^>]*" "$trx" | grep -o " $1=\"[0-9]*\"" | grep -o "[0-9]*"; }
passed=$(counter passed)
failed=$(( $(counter failed) + $(counter error) + $(counter timeout) + $(counter aborted) ))
skipped=$(( $(counter notExecuted) + $(counter inconclusive) ))
rm -rf "$results"
if [ "$passed" -eq 0 ] && [ "$status" -eq 0 ]; then
  status=1
fi
echo "$passed passed, $failed failed, $skipped skipped"
exit "$status"
