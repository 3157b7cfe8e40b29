// What the kov I/O tests share: a fixture that fails a test which leaves a file descriptor open
// (or closes one it did not open), helpers for raw fds, RLIMIT_NOFILE and byte patterns, and
// assertions usable inside coroutines (gtest's ASSERT_* return, which a coroutine cannot).
#pragma once

#include <kov/result.hpp>
#include <kov/runtime.hpp>

#include <dirent.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <iterator>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

// In a coroutine returning task<void>: record a failure and end the coroutine.
#define KOV_CO_ASSERT(cond)                            \
  do {                                                 \
    if (!(cond)) {                                     \
      ADD_FAILURE() << "KOV_CO_ASSERT failed: " #cond; \
      co_return;                                       \
    }                                                  \
  } while (0)

// `r` (a named kov::result) holds a value; otherwise record its error and end the coroutine.
#define KOV_CO_ASSERT_OK(r)                                     \
  do {                                                          \
    if (!(r).has_value()) {                                     \
      ADD_FAILURE() << #r " failed: " << (r).error().message(); \
      co_return;                                                \
    }                                                           \
  } while (0)

namespace kov::test {

// The fds open in this process, sorted (without the one that lists them).
inline std::vector<int> open_fds() {
  std::vector<int> fds;
  DIR* dir = ::opendir("/proc/self/fd");
  if (dir == nullptr) return fds;
  const int own = ::dirfd(dir);
  while (const dirent* e = ::readdir(dir)) {
    if (e->d_name[0] == '.') continue;
    const int fd = std::atoi(e->d_name);
    if (fd != own) fds.push_back(fd);
  }
  ::closedir(dir);
  std::sort(fds.begin(), fds.end());
  return fds;
}

// What an fd refers to ("socket:[123]", "pipe:[45]", a path), for failure messages.
inline std::string describe_fd(int fd) {
  std::array<char, 256> target{};
  const std::string link = "/proc/self/fd/" + std::to_string(fd);
  const ssize_t n = ::readlink(link.c_str(), target.data(), target.size() - 1);
  return std::to_string(fd) + " -> " +
         (n > 0 ? std::string(target.data(), static_cast<std::size_t>(n)) : "?");
}

// True unless `fd` is not an open descriptor. Check right after the close that matters: the
// number is handed out again by the next open.
inline bool fd_is_open(int fd) {
  return ::fcntl(fd, F_GETFD) != -1 || errno != EBADF;
}

inline std::error_code errno_code(int e) {
  return {e, std::system_category()};
}

// Owns a raw fd the test made itself (a filler socket, a pipe end not given to kov).
class unique_fd {
 public:
  unique_fd() noexcept = default;
  explicit unique_fd(int fd) noexcept : fd_(fd) {}
  unique_fd(unique_fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  unique_fd& operator=(unique_fd&& other) noexcept {
    unique_fd moved(std::move(other));
    std::swap(fd_, moved.fd_);
    return *this;
  }
  ~unique_fd() { reset(); }
  int get() const noexcept { return fd_; }
  int release() noexcept { return std::exchange(fd_, -1); }
  void reset() noexcept {
    if (fd_ >= 0) ::close(std::exchange(fd_, -1));
  }

 private:
  int fd_ = -1;
};

// Restores RLIMIT_NOFILE as it was when constructed, at the latest when destroyed.
class nofile_limit_guard {
 public:
  nofile_limit_guard() noexcept { ::getrlimit(RLIMIT_NOFILE, &saved_); }
  ~nofile_limit_guard() { restore(); }
  nofile_limit_guard(const nofile_limit_guard&) = delete;
  nofile_limit_guard& operator=(const nofile_limit_guard&) = delete;

  const rlimit& saved() const noexcept { return saved_; }
  bool set_soft(rlim_t soft) noexcept {
    rlimit l = saved_;
    l.rlim_cur = soft;
    return ::setrlimit(RLIMIT_NOFILE, &l) == 0;
  }
  void restore() noexcept { ::setrlimit(RLIMIT_NOFILE, &saved_); }

 private:
  rlimit saved_{};
};

// Raises the soft RLIMIT_NOFILE to at least `want` (up to the hard limit); false if the hard
// limit is lower. The raised limit stays: a higher soft limit harms no later test.
inline bool ensure_nofile_limit(rlim_t want) noexcept {
  rlimit l{};
  if (::getrlimit(RLIMIT_NOFILE, &l) != 0) return false;
  if (l.rlim_cur != RLIM_INFINITY && l.rlim_cur < want) {
    if (l.rlim_max != RLIM_INFINITY && l.rlim_max < want) return false;
    l.rlim_cur = l.rlim_max == RLIM_INFINITY ? want : l.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &l) != 0) return false;
  }
  return true;
}

// User plus system CPU time of the whole process so far.
inline std::chrono::microseconds cpu_time() noexcept {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  const auto us = [](const timeval& t) {
    return std::chrono::seconds(t.tv_sec) + std::chrono::microseconds(t.tv_usec);
  };
  return us(u.ru_utime) + us(u.ru_stime);
}

// A byte sequence that differs with `seed` and position and does not repeat with a short
// period, so a lost, doubled or reordered chunk shows.
inline std::uint8_t pattern_byte(std::uint64_t seed, std::size_t i) noexcept {
  std::uint64_t x = ((static_cast<std::uint64_t>(i) + 1) * 0x9E3779B97F4A7C15ULL) ^ seed;
  x ^= x >> 29;
  x *= 0xBF58476D1CE4E5B9ULL;
  x ^= x >> 32;
  return static_cast<std::uint8_t>(x);
}

inline std::vector<char> pattern(std::uint64_t seed, std::size_t size) {
  std::vector<char> v(size);
  for (std::size_t i = 0; i < size; ++i) v[i] = static_cast<char>(pattern_byte(seed, i));
  return v;
}

// Every test runs in this fixture: the set of open fds after the test must equal the set
// before it, so a leaked fd and an fd closed twice (someone else's, by number) both fail.
class io_test : public ::testing::Test {
 protected:
  void SetUp() override { before_ = open_fds(); }
  void TearDown() override {
    const std::vector<int> after = open_fds();
    std::vector<int> leaked;
    std::vector<int> lost;
    std::set_difference(after.begin(), after.end(), before_.begin(), before_.end(),
                        std::back_inserter(leaked));
    std::set_difference(before_.begin(), before_.end(), after.begin(), after.end(),
                        std::back_inserter(lost));
    for (const int fd : leaked) ADD_FAILURE() << "fd leaked by the test: " << describe_fd(fd);
    for (const int fd : lost)
      ADD_FAILURE() << "fd " << fd << " was open before the test and is gone";
    EXPECT_EQ(after.size(), before_.size()) << "open fds before and after the test";
  }

  // Runs `t` on a fresh runtime, which is gone by the time this returns.
  template <class T>
  static T run(kov::task<T> t) {
    kov::runtime rt;
    return rt.block_on(std::move(t));
  }

 private:
  std::vector<int> before_;
};

}  // namespace kov::test
