// The floor: std::deque under a std::mutex, with condition variables so both sides block
// instead of spinning (unbounded: only the consumer can wait).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>

namespace bench {

struct mutex_deque_queue {
  static constexpr const char* name = "mutex-deque";
  static constexpr bool unbounded = true;
  static constexpr bool bounded = true;

  explicit mutex_deque_queue(std::size_t capacity) : capacity_(capacity) {}

  struct producer {
    explicit producer(mutex_deque_queue& q) : q_(q) {}
    void send(std::uint64_t v) {
      {
        std::unique_lock lock(q_.mutex_);
        if (q_.capacity_ != 0) {
          q_.not_full_.wait(lock, [&] { return q_.items_.size() < q_.capacity_; });
        }
        q_.items_.push_back(v);
      }
      q_.not_empty_.notify_one();
    }
    mutex_deque_queue& q_;
  };

  struct consumer {
    explicit consumer(mutex_deque_queue& q) : q_(q) {}
    void recv(std::uint64_t& v) {
      {
        std::unique_lock lock(q_.mutex_);
        q_.not_empty_.wait(lock, [&] { return !q_.items_.empty(); });
        v = q_.items_.front();
        q_.items_.pop_front();
      }
      if (q_.capacity_ != 0) q_.not_full_.notify_one();
    }
    mutex_deque_queue& q_;
  };

  std::size_t capacity_;
  std::mutex mutex_;
  std::condition_variable not_empty_;
  std::condition_variable not_full_;
  std::deque<std::uint64_t> items_;
};

}  // namespace bench
