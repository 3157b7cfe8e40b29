#!/usr/bin/env bash
# clang-format (the repository's .clang-format) over the project's own C and C++ sources:
# libs/, bench/ and tests/. Left out: libs/esp-blink/generated/, which svd2hpp.py writes and
# its freshness test compares byte for byte (the generator owns that layout).
#   scripts/format.sh --check   lists the files clang-format would change; fails if any
#   scripts/format.sh --fix     formats them in place
# CLANG_FORMAT picks the binary (default clang-format-14, else clang-format).
set -euo pipefail
cd "$(dirname "$0")/.."

mode=${1:---check}
case "$mode" in
  --check | --fix) ;;
  *) echo "usage: scripts/format.sh [--check|--fix]" >&2; exit 64 ;;
esac

clang_format=${CLANG_FORMAT:-$(command -v clang-format-14 || command -v clang-format || true)}
[ -n "$clang_format" ] || { echo "format: clang-format not found (scripts/deps.sh)" >&2; exit 1; }

# Tracked and new (not ignored) files, so a file not yet added is checked too. Outside a git
# work tree (the `make dist` tarball) every file under the three folders, build trees left out.
list_sources() {
  if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    git ls-files --cached --others --exclude-standard -- libs bench tests
  else
    find libs bench tests -type f -not -path '*/build/*' | sort
  fi
}
mapfile -t files < <(list_sources \
  | grep -E '\.(c|h|cc|cpp|hpp)$' | grep -v '^libs/esp-blink/generated/' \
  | while read -r f; do [ -f "$f" ] && echo "$f"; done)

if [ "$mode" = --fix ]; then
  printf '%s\0' "${files[@]}" | xargs -0 -n 50 "$clang_format" -i
  echo "format: formatted ${#files[@]} files"
  exit 0
fi

# One clang-format run per batch; each file it would change shows up in a "file:line:col: error".
mapfile -t unformatted < <(printf '%s\0' "${files[@]}" \
  | xargs -0 -n 50 "$clang_format" --dry-run -Werror 2>&1 \
  | sed -n -E 's/^([^:]+):[0-9]+:[0-9]+: error:.*/\1/p' | sort -u || true)
if [ ${#unformatted[@]} -gt 0 ]; then
  printf 'format: not formatted: %s\n' "${unformatted[@]}"
  echo "format: ${#unformatted[@]} of ${#files[@]} files need scripts/format.sh --fix"
  exit 1
fi
echo "format: all ${#files[@]} files formatted"
