// Differential fuzzing of flume-lock's queues against std::deque, on one thread: the MPSC
// unbounded_queue (small segments, so segment changes and reuse happen often) and
// bounded_queue, the MPMC list_queue and array_queue, and the sharded channel's spmc_queue
// (3-slot blocks, so block reuse happens often). The input picks the queue, its
// capacity, and a sequence of push, bulk push, pop, close and length checks; every status,
// every value and every length must be what a deque with a capacity and a closed flag gives.
// Messages own heap memory, so a message lost, duplicated or destroyed twice is a leak or a
// double free for the sanitizers.
#include <flume_lock/bounded_queue.hpp>
#include <flume_lock/mpmc/array_queue.hpp>
#include <flume_lock/mpmc/list_queue.hpp>
#include <flume_lock/mpmc/spmc_queue.hpp>
#include <flume_lock/unbounded_queue.hpp>

#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <deque>
#include <iterator>
#include <memory>
#include <optional>
#include <type_traits>
#include <vector>

namespace {

void require(bool ok) {
  if (!ok) std::abort();
}

using message = std::unique_ptr<std::uint64_t>;
using flume_lock::status;

// One interface over the five queues, whose members are named by their roles (MPSC: push or
// try_push, try_consume, consumer_len; MPMC: try_pop, size).
template <class Queue>
struct adapter {
  Queue q;
  static constexpr bool bounded = std::is_constructible_v<Queue, std::size_t>;

  explicit adapter(std::size_t capacity) requires bounded : q(capacity) {}
  explicit adapter(std::size_t) requires(!bounded) {}

  status push(message m) {
    if constexpr (bounded) {
      return q.try_push(std::move(m));
    } else {
      return q.push(std::move(m));
    }
  }
  template <class Sink>
  status pop(Sink&& sink) {
    if constexpr (requires { q.try_pop(sink); }) {
      return q.try_pop(sink);
    } else {
      return q.try_consume(sink);
    }
  }
  std::size_t len() const {
    if constexpr (requires { q.size(); }) {
      return q.size();
    } else {
      return q.consumer_len();
    }
  }
  void close() { q.close(); }
  bool closed() const { return q.closed(); }
};

template <class Queue>
void run(FuzzedDataProvider& in) {
  const std::size_t capacity = in.ConsumeIntegralInRange<std::size_t>(1, 9);
  adapter<Queue> queue(capacity);
  std::deque<std::uint64_t> model;
  bool closed = false;
  std::uint64_t next = 0;
  const auto push_status = [&] {
    if (closed) return status::disconnected;
    if (adapter<Queue>::bounded && model.size() == capacity) return status::full;
    return status::ok;
  };
  while (in.remaining_bytes() > 0) {
    switch (in.ConsumeIntegralInRange<int>(0, 5)) {
      case 0:
      case 1: {
        const status want = push_status();
        require(queue.push(std::make_unique<std::uint64_t>(next)) == want);
        if (want == status::ok) model.push_back(next);
        ++next;
        break;
      }
      case 2:
      case 3: {
        std::optional<std::uint64_t> got;
        const status s = queue.pop([&](message&& m) noexcept { got = *m; });
        if (model.empty()) {
          require(s == (closed ? status::disconnected : status::empty) && !got);
        } else {
          require(s == status::ok && got == model.front());
          model.pop_front();
        }
        break;
      }
      case 4:
        queue.close();
        closed = true;
        break;
      case 5:
        if constexpr (requires { queue.q.push_bulk(std::declval<message*>(), 0); }) {
          std::vector<message> batch(in.ConsumeIntegralInRange<std::size_t>(0, 40));
          const std::uint64_t first = next;
          for (message& m : batch) m = std::make_unique<std::uint64_t>(next++);
          const std::size_t sent =
              queue.q.push_bulk(std::make_move_iterator(batch.begin()), batch.size());
          require(sent == (closed || batch.empty() ? 0 : batch.size()));
          for (std::size_t i = 0; i < sent; ++i) model.push_back(first + i);
          // Messages of a refused batch stay with the caller and are freed here.
        }
        break;
      default:
        break;
    }
    require(queue.len() == model.size() && queue.closed() == closed);
  }
}

}  // namespace

// NOLINTNEXTLINE(readability-identifier-naming): the name libFuzzer calls.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  switch (in.ConsumeIntegralInRange<int>(0, 6)) {
    case 0:
      run<flume_lock::unbounded_queue<message, 2>>(in);
      break;
    case 1:
      run<flume_lock::unbounded_queue<message, 8>>(in);
      break;
    case 2:
      run<flume_lock::unbounded_queue<message>>(in);
      break;
    case 3:
      run<flume_lock::bounded_queue<message>>(in);
      break;
    case 4:
      run<flume_lock::mpmc::list_queue<message, 4>>(in);
      break;
    case 5:
      run<flume_lock::mpmc::spmc_queue<message, 4>>(in);
      break;
    default:
      run<flume_lock::mpmc::array_queue<message>>(in);
      break;
  }
  return 0;
}
