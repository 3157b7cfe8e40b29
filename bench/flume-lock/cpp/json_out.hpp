// Writes result lines in the benchmark output contract (one JSON object a line on stdout).
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

namespace bench {

struct run_label {
  std::string scenario;
  std::string impl;
  long round;
  std::uint64_t n;  // messages (round trips for pingpong) of this run
};

inline void emit(const run_label& at, const char* metric, const char* unit, double value) {
  std::printf(
      "{\"suite\":\"flume-lock\",\"scenario\":\"%s\",\"impl\":\"%s\",\"metric\":\"%s\","
      "\"unit\":\"%s\",\"value\":%.6g,\"round\":%ld,\"n\":%llu}\n",
      at.scenario.c_str(), at.impl.c_str(), metric, unit, value, at.round,
      static_cast<unsigned long long>(at.n));
  std::fflush(stdout);
}

}  // namespace bench
