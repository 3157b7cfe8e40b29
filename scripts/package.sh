#!/usr/bin/env bash
# make package: the Debian packages (cmake/trio_package.cmake) from the `shared` preset into
# build/shared/*.deb, then lintian over them (errors fail; warnings are printed).
set -euo pipefail
cd "$(dirname "$0")/.."
cmake --preset shared >/dev/null
cmake --build --preset shared -j "${JOBS:-2}"
rm -f build/shared/*.deb
(cd build/shared && cpack -G DEB >/dev/null)
ls build/shared/*.deb
lintian build/shared/*.deb 2>&1 | grep -v 'running with root privileges' | tee build/shared/lintian.txt
if grep -q '^E: ' build/shared/lintian.txt; then echo "package: lintian reports errors"; exit 1; fi
echo "package: $(ls build/shared/*.deb | wc -l) packages, lintian: 0 errors, $(grep -c '^W: ' build/shared/lintian.txt) warnings"
