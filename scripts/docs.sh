#!/usr/bin/env bash
# make docs: the API reference with Doxygen (docs/api/Doxyfile) into build/docs/html.
# Fails on any Doxygen warning (an undocumented entity, a broken reference) and prints them.
# Needs a configured build tree for the generated version headers (default build/dev).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/dev}
out=build/docs
rm -rf "$out"
mkdir -p "$out"
versions=()
for lib in kov flume_lock; do
  h=$build/libs/$(tr _ - <<<"$lib")/version_include/$lib/version.hpp
  [ -f "$h" ] || { echo "docs: no $h (configure $build first)" >&2; exit 1; }
  versions+=("$h")
done
rc=0
TRIO_ROOT=$PWD TRIO_VERSION=$(cat VERSION) TRIO_DOCS_OUT=$out TRIO_VERSION_INCLUDE="${versions[*]}" \
  doxygen docs/api/Doxyfile || rc=$?
count=$(grep -c . "$out/warnings.log" || true)
cat "$out/warnings.log"
echo "docs: $count warning(s); reference in $out/html/index.html"
[ "$rc" -eq 0 ] && [ "$count" -eq 0 ]
