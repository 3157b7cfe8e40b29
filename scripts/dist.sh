#!/usr/bin/env bash
# make dist: the source tarball build/trio-<version>.tar.gz of the committed tree (HEAD), the
# files `make test` needs and nothing a build made. Uncommitted changes are not in it.
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(cat VERSION)
mkdir -p build
out=build/trio-$version.tar.gz
git archive --format=tar.gz --prefix="trio-$version/" -o "$out" HEAD
echo "dist: $out ($(tar -tzf "$out" | wc -l) entries)"
