// A run that breaks its contract ends the process with a loud message and exit status 2, so it
// can never be mistaken for a number. The driver (bench/tools/interleave.py) collects these.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>

namespace bench {

inline std::string& current_run_name() {
  static std::string name = "?";
  return name;
}

[[noreturn]] inline void fail_run(const std::string& why) {
  std::fprintf(stderr, "FAILED flume-lock %s: %s\n", current_run_name().c_str(), why.c_str());
  std::fflush(stderr);
  // _Exit: other threads may be blocked inside a queue; nothing of theirs must run any more.
  std::_Exit(2);
}

}  // namespace bench
