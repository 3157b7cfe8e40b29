#!/usr/bin/env bash
# make release VERSION=x.y.z [DRY_RUN=1]: checks, then builds everything a release ships, then
# tags. docs/releasing.md has the policy.
#   1. x.y.z is a version, CHANGELOG.md has its entry, VERSION holds it, no tag vx.y.z exists,
#      the work tree is clean.
#   2. The generated version headers and pkg-config files of a fresh dev configure agree.
#   3. The C ABI baselines against the previous release tag's: a change that abidiff reports
#      (other than added functions) needs an ABI bump (major; minor while the major is 0).
#   4. The gate (make test: includes the ABI check of the build), the docs, the packages with
#      their install test, the source tarball.
#   5. The annotated tag vx.y.z.
# DRY_RUN=1 runs steps 1-3 and prints what 4 and 5 would run.
set -euo pipefail
cd "$(dirname "$0")/.."
version=${1:-}
dry=${DRY_RUN:-0}
die() { echo "release: refused: $*" >&2; exit 1; }
run() {  # a step of 4-5: run it, or in a dry run say it
  if [ "$dry" = 1 ]; then echo "release: would run: $*"; else echo "release: $*"; "$@"; fi
}

# 1
[[ "$version" =~ ^([0-9]+)\.([0-9]+)\.([0-9]+)$ ]] || die "VERSION=x.y.z needed, got '$version'"
major=${BASH_REMATCH[1]} minor=${BASH_REMATCH[2]}
grep -qE "^## \[$version\]" CHANGELOG.md || die "CHANGELOG.md has no '## [$version]' entry"
[ "$(cat VERSION)" = "$version" ] || die "VERSION holds $(cat VERSION), not $version"
! git rev-parse -q --verify "refs/tags/v$version" >/dev/null || die "tag v$version exists"
if [ "$dry" != 1 ] && [ -n "$(git status --porcelain)" ]; then die "the work tree has changes"; fi
echo "release: $version: CHANGELOG entry and VERSION agree"

# 2
cmake --preset dev >/dev/null
for lib in kov flume_lock; do
  dir=build/dev/libs/$(tr _ - <<<"$lib")
  grep -q "_VERSION_STRING \"$version\"" "$dir/version_include/$lib/version.hpp" ||
    die "$lib/version.hpp does not say $version"
  grep -qx "Version: $version" "$dir/$lib.pc" || die "$lib.pc does not say $version"
done
grep -q "ESP_BLINK_VERSION_STRING \"$version\"" build/dev/libs/esp-blink/version_include/esp_blink/version.hpp ||
  die "esp_blink/version.hpp does not say $version"
echo "release: version headers and pkg-config files say $version"

# 3
previous=$(git describe --tags --abbrev=0 --match 'v[0-9]*' 2>/dev/null || true)
if [ -z "$previous" ]; then
  echo "release: no previous release tag: nothing to compare the ABI with"
else
  [[ "$previous" =~ ^v([0-9]+)\.([0-9]+)\.([0-9]+)$ ]] || die "cannot read the tag $previous"
  pmajor=${BASH_REMATCH[1]} pminor=${BASH_REMATCH[2]}
  abi_bump=0
  if [ "$major" -gt "$pmajor" ] || { [ "$major" = 0 ] && [ "$pmajor" = 0 ] && [ "$minor" -gt "$pminor" ]; }; then
    abi_bump=1
  fi
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  for lib in kov flume_lock; do
    baseline=libs/$(tr _ - <<<"$lib")/abi/$lib.abi
    git show "$previous:$baseline" >"$work/$lib.abi" 2>/dev/null || { echo "release: $previous has no $baseline"; continue; }
    if ! abidiff --no-added-syms "$work/$lib.abi" "$baseline" >"$work/$lib.diff" 2>&1; then
      cat "$work/$lib.diff"
      [ $abi_bump = 1 ] || die "$lib's C ABI changed since $previous; $version is not an ABI bump (major, or minor before 1.0)"
      echo "release: $lib's C ABI changed since $previous, and $version bumps the ABI: allowed"
    else
      echo "release: $lib's C ABI is compatible with $previous"
    fi
  done
fi

# 4, 5
run make test
run bash scripts/docs.sh build/dev
run bash scripts/package.sh
run bash tests/package/install_test.sh build/shared
run bash scripts/dist.sh
run git tag -a "v$version" -m "Release $version"
echo "release: $version $([ "$dry" = 1 ] && echo "dry run done" || echo "tagged v$version")"
