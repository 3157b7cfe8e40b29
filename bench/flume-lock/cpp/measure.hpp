// Wall clock, process CPU time and resident memory, read the same way for every implementation.
#pragma once

#include <sys/resource.h>

#include <chrono>
#include <cstdint>
#include <fstream>
#include <string>

namespace bench {

inline double wall_seconds() {
  using clock = std::chrono::steady_clock;
  return std::chrono::duration<double>(clock::now().time_since_epoch()).count();
}

// User + system CPU seconds of all threads of this process: spinning threads show up here even
// when the wall time looks good.
inline double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto secs = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) * 1e-6;
  };
  return secs(u.ru_utime) + secs(u.ru_stime);
}

// Reads a "Vm...:  <kB> kB" line of /proc/self/status, in bytes (0 if absent).
inline std::uint64_t proc_status_bytes(const std::string& key) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key + ":", 0) == 0) {
      return std::stoull(line.substr(key.size() + 1)) * 1024;
    }
  }
  return 0;
}

// Peak resident set size of this process so far (the kernel's high-water mark).
inline std::uint64_t peak_rss_bytes() {
  return proc_status_bytes("VmHWM");
}
inline std::uint64_t current_rss_bytes() {
  return proc_status_bytes("VmRSS");
}

// Resident memory before the run made its queue: the program's own baseline (libraries, the
// runtime), which differs between the C++ and the Rust program. peak - baseline is what the run
// itself added.
inline std::uint64_t& baseline_rss_bytes() {
  static std::uint64_t bytes = 0;
  return bytes;
}

}  // namespace bench
