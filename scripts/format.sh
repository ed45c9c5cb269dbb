#!/usr/bin/env bash
# Formats the C# sources with CSharpier, at the width .editorconfig sets; --check only reports what it would change
# (Tests/Repository/SourceStyleTests runs that), --install only installs the tool (install-deps.sh does).
# The tool is a pinned dotnet tool in a cache directory: nothing of it is part of the build or the package.
set -euo pipefail
cd "$(dirname "$0")/.."

version=1.4.0
tools="${XDG_CACHE_HOME:-$HOME/.cache}/btrfs_to_s3/csharpier-$version"
if [ ! -x "$tools/csharpier" ]; then
  dotnet tool install --tool-path "$tools" csharpier --version "$version" >/dev/null
fi

case "${1:-}" in
  --install) ;;
  --check) "$tools/csharpier" check Shared Spooler Uploader Tests ;;
  "") "$tools/csharpier" format Shared Spooler Uploader Tests ;;
  *) echo "usage: scripts/format.sh [--check | --install]" >&2; exit 64 ;;
esac
