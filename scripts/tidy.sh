#!/usr/bin/env bash
# clang-tidy (the repository's .clang-tidy, every finding an error) over the libraries' own
# sources: libs/*/src, esp-blink's emulator (libs/esp-blink/emu) and the examples, with the
# public headers they include (HeaderFilterRegex). Tests, benchmarks and generated register
# headers are left out. Needs a configured build tree for its compile_commands.json.
#   scripts/tidy.sh [BUILD_DIR] [SCOPE]   default build/dev; JOBS=N parallel runs (default 2)
# SCOPE `sources` (default) is the above; `fuzz` is the fuzz targets (libs/*/fuzz), which only
# the fuzz preset's tree compiles: `scripts/tidy.sh build/fuzz fuzz`.
# CLANG_TIDY picks the binary (default clang-tidy-14, else clang-tidy).
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=${1:-build/dev}
scope=${2:-sources}
case "$scope" in
  sources) own='^libs/[^/]+/(src|emu|examples)/.*\.(cpp|cc)$' ;;
  fuzz) own='^libs/[^/]+/fuzz/.*\.(cpp|cc)$' ;;
  *) echo "tidy: scope is sources or fuzz, not '$scope'" >&2; exit 1 ;;
esac
jobs=${JOBS:-2}
db="$build_dir/compile_commands.json"
[ -f "$db" ] || { echo "tidy: no $db (configure a preset with CMAKE_EXPORT_COMPILE_COMMANDS)" >&2; exit 1; }
clang_tidy=${CLANG_TIDY:-$(command -v clang-tidy-14 || command -v clang-tidy || true)}
[ -n "$clang_tidy" ] || { echo "tidy: clang-tidy not found (scripts/deps.sh)" >&2; exit 1; }

# The C++ files of the compile database in the scope.
mapfile -t files < <(python3 - "$db" "$PWD" "$own" <<'PY'
import json, os, re, sys
db, root = sys.argv[1], sys.argv[2]
own = re.compile(sys.argv[3])
seen = set()
for entry in json.load(open(db)):
    path = os.path.relpath(os.path.join(entry["directory"], entry["file"]), root)
    if own.match(path) and path not in seen and os.path.exists(path):
        seen.add(path)
        print(path)
PY
)
[ ${#files[@]} -gt 0 ] || { echo "tidy: no $scope files in $db" >&2; exit 1; }

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
printf '%s\0' "${files[@]}" \
  | xargs -0 -n 1 -P "$jobs" "$clang_tidy" -p "$build_dir" --quiet --warnings-as-errors='*' \
  >"$log" 2>&1 || status=1
# Each finding once (a header's finding repeats for every file including it).
findings=$(grep -E '^[^ :]+:[0-9]+:[0-9]+: (error|warning):' "$log" | sort -u || true)
if [ $status -ne 0 ] || [ -n "$findings" ]; then
  [ -n "$findings" ] && echo "$findings"
  [ -z "$findings" ] && tail -30 "$log"
  echo "tidy: $(grep -c . <<<"$findings") finding(s) in ${#files[@]} files checked"
  exit 1
fi
echo "tidy: ${#files[@]} files clean"
