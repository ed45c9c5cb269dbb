#!/usr/bin/env bash
# A long run of the property tests over what a stranger can write into a pointer, manifest, spool record or
# configuration value (Tests/Shared/Spool/FormatFuzzTests.cs): CI runs a few thousand cases from a fixed seed, this
# runs as many as asked from a new seed each time.
#   scripts/fuzz.sh [ITERATIONS] [SEED]     (default 1000000 cases per test, a random seed; CsCheck prints the seed
#                                            of a case that fails: give it as SEED to run that case again)
# Needs no root, no btrfs and no S3 server. Exit 0 when every case passed.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
export BTRFS_TO_S3_FUZZ_ITER="${1:-1000000}" BTRFS_TO_S3_FUZZ_SEED="${2:-random}"
echo "fuzz: $BTRFS_TO_S3_FUZZ_ITER cases per test, seed $BTRFS_TO_S3_FUZZ_SEED" >&2
dotnet test Tests/Tests.csproj -c Release --filter "FullyQualifiedName~FormatFuzzTests" --logger "console;verbosity=normal"
