#!/usr/bin/env bash
# make asm: prints the machine code of flume-lock's send and receive paths as compiled into the
# release benchmark binary (-O2 -DNDEBUG). The benchmark program holds out-of-line copies named
# flume_lock_bench::{send,recv,try_recv}_fast_path (bench/flume-lock/cpp/fast_paths.cpp); this
# prints them and then every flume_lock:: function they call directly, so the slow paths they
# branch to can be read too. docs/flume-lock-perf.md walks through the output.
#
#   bash libs/flume-lock/tools/asm.sh [BINARY]     (default build/release/bin/bench_flume_lock)
set -euo pipefail
cd "$(dirname "$0")/../../.."
binary="${1:-build/release/bin/bench_flume_lock}"

if [ ! -x "$binary" ]; then
  echo "asm: $binary missing; building it (release preset)" >&2
  cmake --preset release >/dev/null
  cmake --build --preset release --target bench_flume_lock >/dev/null
fi

listing="$(objdump -d --no-show-raw-insn -C "$binary")"

# Prints the function whose demangled header line matches the awk regex $1 (start of a symbol).
print_functions() {
  # Jumps inside the function are shortened from <long demangled name+0x12> to <+0x12>.
  awk -v want="$1" '
    /^[0-9a-f]+ <.*>:$/ {
      on = (index($0, want) > 0)
      if (on) { print ""; name = substr($0, index($0, "<") + 1); sub(/>:$/, "", name) }
    }
    on && NF {
      line = $0
      if (line !~ /^[0-9a-f]+ </) {
        while ((k = index(line, "<" name "+")) > 0) {
          line = substr(line, 1, k) substr(line, k + 1 + length(name))
        }
      }
      print line
    }
  ' <<<"$listing"
}

wrappers="$(print_functions '<flume_lock_bench::')"
if [ -z "$wrappers" ]; then
  echo "asm: no flume_lock_bench:: functions in $binary (was it built with flume-lock?)" >&2
  exit 1
fi
echo "# $binary: flume-lock send / recv / try_recv as compiled (objdump -d --no-show-raw-insn -C)"
echo "$wrappers"

# Direct callees inside flume_lock (slow paths, wake-ups), each printed once.
# (Template instances can start with their return type, e.g. "decltype(auto) flume_lock::...".)
callees="$(grep -E 'call +[0-9a-f]+ <' <<<"$wrappers" | sed -E 's/^.*call +[0-9a-f]+ <(.*)>$/\1/' \
           | grep -F 'flume_lock::' | sort -u || true)"
if [ -n "$callees" ]; then
  echo
  echo "# flume_lock functions called from the paths above"
  while IFS= read -r fn; do
    print_functions "<$fn>:"
  done <<<"$callees"
fi
