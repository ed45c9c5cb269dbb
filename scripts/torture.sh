#!/usr/bin/env bash
# The long crash run (issue 6): TORTURE_CYCLES (default 50) backup cycles on loopback btrfs against the local S3
# server, each with one fault (a kill -9 at a random moment or crash point, btrfs send dying, a slow or cut network,
# an outage of 30-120 s or a kill -9 in the middle of a multipart chunk, which report the bytes sent again),
# rerun with no manual step, and checked (pointer whole, spool drained, no multipart upload left, chain restores identical). The seed is printed;
# TORTURE_SEED=N reproduces a run. CI runs the same test with one cycle per fault (13). Needs root.
#   sudo scripts/torture.sh [SEED]
set -euo pipefail
cd "$(dirname "$0")/.."
export TORTURE_CYCLES=${TORTURE_CYCLES:-50}
if [ $# -ge 1 ]; then export TORTURE_SEED=$1; fi
exec bash scripts/test.sh --filter "FullyQualifiedName~TortureTests" --logger "console;verbosity=detailed"
