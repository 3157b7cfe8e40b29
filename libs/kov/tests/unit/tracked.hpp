// What the blocking and handle tests share: an object that counts its live copies, to watch
// that a dropped job, result or posted function is destroyed (and when).
#pragma once

#include <atomic>

namespace kov_test {

struct tracked {
  explicit tracked(std::atomic<int>& live) : live_(&live) { live_->fetch_add(1); }
  tracked(const tracked& other) : live_(other.live_) { live_->fetch_add(1); }
  tracked& operator=(const tracked&) = delete;
  ~tracked() { live_->fetch_sub(1); }
  std::atomic<int>* live_;
};

}  // namespace kov_test
