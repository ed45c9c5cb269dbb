#!/usr/bin/env bash
# A long run of the property tests over what a stranger can write into a pointer, manifest, spool record or
# configuration value (Tests/Shared/Format/FormatFuzzTests.cs): CI runs a few thousand cases from a fixed seed, this
# runs as many as asked from a new seed each time.
#   scripts/fuzz.sh [ITERATIONS] [SEED]     (default 1000000 cases per test, a random seed; CsCheck prints the seed
#                                            of a case that fails: give it as SEED to run that case again)
# Needs no root, no btrfs and no S3 server. Exit 0 when every case passed.
#
# And of the catalogs against the filesystem itself (Tests/Shared/Catalog/CatalogPropertyTests.cs): random histories
# on a loopback btrfs, each snapshot's catalogs replayed and compared with the snapshot, under protocol 1 and protocol 2
# with compressed data. CI runs three fixed seeds; this runs HISTORIES new ones per protocol.
#   sudo scripts/fuzz.sh catalog [HISTORIES] [INCREMENTALS] [SEED,...]
#                                           (default 100 histories of a full and 10 incrementals, new seeds; the seeds
#                                            are printed first, and a failure names its own: give it as SEED, with the
#                                            same INCREMENTALS, to run that history again)
# Needs root and btrfs-progs, no S3 server.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

if [ "${1:-}" = catalog ]; then
  histories=${2:-100}
  export CATALOG_INCREMENTALS="${3:-10}" CATALOG_SEEDS="${4:-}"
  if [ -z "$CATALOG_SEEDS" ]; then
    # CsCheck seeds, 12 characters of its alphabet (base64's but for _ and -), made here so that a run that dies
    # still has them printed.
    for _ in $(seq "$histories"); do
      CATALOG_SEEDS+="${CATALOG_SEEDS:+,}$(head -c 9 /dev/urandom | base64 | tr '+/' '_-')"
    done
  fi
  echo "fuzz: catalogs of $(tr ',' '\n' <<< "$CATALOG_SEEDS" | wc -l) histories of a full and $CATALOG_INCREMENTALS" \
    "incrementals per protocol, seeds $CATALOG_SEEDS" >&2
  exec dotnet test Tests/Tests.csproj -c Release --filter "FullyQualifiedName~CatalogPropertyTests" \
    --logger "console;verbosity=detailed"
fi

export BTRFS_TO_S3_FUZZ_ITER="${1:-1000000}" BTRFS_TO_S3_FUZZ_SEED="${2:-random}"
echo "fuzz: $BTRFS_TO_S3_FUZZ_ITER cases per test, seed $BTRFS_TO_S3_FUZZ_SEED" >&2
dotnet test Tests/Tests.csproj -c Release --filter "FullyQualifiedName~FormatFuzzTests" --logger "console;verbosity=normal"
