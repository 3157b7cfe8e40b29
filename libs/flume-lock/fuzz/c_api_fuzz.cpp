// Fuzzes flume-lock's C API (flume_lock.h) with call sequences decoded from the input, checked
// against a model (a deque, a capacity, a closed flag and the live handles). One MPSC or MPMC
// channel per input, unbounded or bounded, or (MPSC) a rendezvous channel; calls: clone,
// destroy and close of sender (and, for MPMC, receiver) handles, try_send, send and send_ptr
// (only when they cannot block), try_recv, recv and recv_ptr with a zero timeout, select over
// the one receiver, the length, and null-handle misuse. Every status and value must be the
// model's: the last sender gone closes the channel (the receiver drains, then sees
// DISCONNECTED); for MPMC the last receiver gone closes it too. With one thread no receiver is
// ever waiting, so a rendezvous try_send is FULL until the channel closes (a receive that
// timed out must not leave a waiting receiver behind), and its length is always 0.
#include <flume_lock.h>

#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <deque>
#include <vector>

namespace {

void require(bool ok) {
  if (!ok) std::abort();
}

constexpr std::size_t max_handles = 6;

struct model {
  std::deque<std::uint64_t> queued;
  std::size_t capacity = 0;  // 0: unbounded
  bool rendezvous = false;   // flume_lock_rendezvous_create: nothing is ever queued
  bool closed = false;
  std::uint64_t next = 1;

  flume_lock_status send_status() const {
    if (closed) return FLUME_LOCK_DISCONNECTED;
    if (rendezvous || (capacity != 0 && queued.size() == capacity)) return FLUME_LOCK_FULL;
    return FLUME_LOCK_OK;
  }
  // What a receive finds when nothing is ready and it does not wait.
  flume_lock_status nothing(flume_lock_status open) const {
    return closed ? FLUME_LOCK_DISCONNECTED : open;
  }
  void expect_received(flume_lock_status s, std::uint64_t value, flume_lock_status open) {
    if (queued.empty()) {
      require(s == nothing(open));
      return;
    }
    require(s == FLUME_LOCK_OK && value == queued.front());
    queued.pop_front();
  }
};

// A send that cannot block: try_send when the model says full, send otherwise.
template <class Tx, class TrySend, class Send>
void send_one(model& m, Tx* tx, TrySend try_send, Send send) {
  if (tx == nullptr) return;
  const flume_lock_status want = m.send_status();
  if (want == FLUME_LOCK_FULL) {
    require(try_send(tx, m.next) == want);
  } else {
    require(send(tx, m.next) == want);
    if (want == FLUME_LOCK_OK) m.queued.push_back(m.next);
  }
  ++m.next;
}

// A handle list where index picks one (the input's choice) and destroy removes it.
template <class Handle>
Handle* pick(FuzzedDataProvider& in, const std::vector<Handle*>& handles) {
  if (handles.empty()) return nullptr;
  return handles[in.ConsumeIntegralInRange<std::size_t>(0, handles.size() - 1)];
}

template <class Handle>
void erase(std::vector<Handle*>& handles, Handle* h) {
  for (auto it = handles.begin(); it != handles.end(); ++it) {
    if (*it == h) {
      handles.erase(it);
      return;
    }
  }
}

void run_mpsc(FuzzedDataProvider& in, model& m) {
  flume_lock_sender* first = nullptr;
  flume_lock_receiver* rx = nullptr;
  require((m.rendezvous ? flume_lock_rendezvous_create(&first, &rx)
                        : flume_lock_channel_create(m.capacity, &first, &rx)) == FLUME_LOCK_OK);
  std::vector<flume_lock_sender*> senders{first};
  while (in.remaining_bytes() > 0) {
    flume_lock_sender* tx = pick(in, senders);
    std::uint64_t v = 0;
    switch (in.ConsumeIntegralInRange<int>(0, 11)) {
      case 0:
        if (tx != nullptr && senders.size() < max_handles) {
          flume_lock_sender* copy = flume_lock_sender_clone(tx);
          require(copy != nullptr);
          senders.push_back(copy);
        }
        break;
      case 1:
        if (tx != nullptr) {
          flume_lock_sender_destroy(tx);
          erase(senders, tx);
          if (senders.empty()) m.closed = true;
        }
        break;
      case 2:
        if (tx != nullptr) {
          flume_lock_sender_close(tx);
          m.closed = true;
        }
        break;
      case 3:
      case 4:
        send_one(m, tx, flume_lock_try_send, flume_lock_send);
        break;
      case 5: {
        const flume_lock_status s = flume_lock_try_recv(rx, &v);
        m.expect_received(s, v, FLUME_LOCK_EMPTY);
        break;
      }
      case 6: {
        const flume_lock_status s = flume_lock_recv_timeout(rx, &v, 0);
        m.expect_received(s, v, FLUME_LOCK_TIMEOUT);
        break;
      }
      case 7: {
        std::size_t index = 99;
        const flume_lock_status s = flume_lock_select(&rx, 1, &v, &index, 0);
        require(index == (s == FLUME_LOCK_TIMEOUT ? 1 : 0));
        m.expect_received(s, v, FLUME_LOCK_TIMEOUT);
        break;
      }
      case 8:
        flume_lock_receiver_close(rx);
        m.closed = true;
        break;
      case 9: {
        // The pointer flavours: the pointer travels as its integer value.
        const auto send_ptr = [](flume_lock_sender* to, std::uint64_t value) {
          return flume_lock_send_ptr(to, reinterpret_cast<void*>(value));  // NOLINT
        };
        send_one(m, tx, flume_lock_try_send, send_ptr);
        break;
      }
      case 10: {
        void* p = nullptr;
        const flume_lock_status s = flume_lock_recv_ptr_timeout(rx, &p, 0);
        m.expect_received(s, reinterpret_cast<std::uintptr_t>(p), FLUME_LOCK_TIMEOUT);  // NOLINT
        require(flume_lock_recv_ptr_timeout(rx, nullptr, 0) == FLUME_LOCK_INVALID);
        break;
      }
      default: {
        std::size_t len = 99;
        require(flume_lock_receiver_len(rx, &len) == FLUME_LOCK_OK && len == m.queued.size());
        require(flume_lock_receiver_len(nullptr, &len) == FLUME_LOCK_INVALID);
        require(flume_lock_receiver_len(rx, nullptr) == FLUME_LOCK_INVALID);
        require(flume_lock_try_send(nullptr, 1) == FLUME_LOCK_INVALID);
        require(flume_lock_try_recv(nullptr, &v) == FLUME_LOCK_INVALID);
        require(flume_lock_try_recv(rx, nullptr) == FLUME_LOCK_INVALID);
        require(flume_lock_sender_clone(nullptr) == nullptr);
        require(flume_lock_status_name(FLUME_LOCK_OK) != nullptr);
        break;
      }
    }
  }
  for (flume_lock_sender* tx : senders) flume_lock_sender_destroy(tx);
  flume_lock_receiver_destroy(rx);
}

void run_mpmc(FuzzedDataProvider& in, model& m) {
  flume_lock_mpmc_sender* first_tx = nullptr;
  flume_lock_mpmc_receiver* first_rx = nullptr;
  require(flume_lock_mpmc_channel_create(m.capacity, &first_tx, &first_rx) == FLUME_LOCK_OK);
  std::vector<flume_lock_mpmc_sender*> senders{first_tx};
  std::vector<flume_lock_mpmc_receiver*> receivers{first_rx};
  while (in.remaining_bytes() > 0) {
    flume_lock_mpmc_sender* tx = pick(in, senders);
    flume_lock_mpmc_receiver* rx = pick(in, receivers);
    std::uint64_t v = 0;
    switch (in.ConsumeIntegralInRange<int>(0, 10)) {
      case 0:
        if (tx != nullptr && senders.size() < max_handles) {
          senders.push_back(flume_lock_mpmc_sender_clone(tx));
          require(senders.back() != nullptr);
        }
        break;
      case 1:
        if (rx != nullptr && receivers.size() < max_handles) {
          receivers.push_back(flume_lock_mpmc_receiver_clone(rx));
          require(receivers.back() != nullptr);
        }
        break;
      case 2:
        if (tx != nullptr) {
          flume_lock_mpmc_sender_destroy(tx);
          erase(senders, tx);
          if (senders.empty()) m.closed = true;
        }
        break;
      case 3:
        if (rx != nullptr) {
          flume_lock_mpmc_receiver_destroy(rx);
          erase(receivers, rx);
          if (receivers.empty()) m.closed = true;
        }
        break;
      case 4:
        if (tx != nullptr) {
          flume_lock_mpmc_sender_close(tx);
          m.closed = true;
        }
        break;
      case 5:
        if (rx != nullptr) {
          flume_lock_mpmc_receiver_close(rx);
          m.closed = true;
        }
        break;
      case 6:
      case 7:
        send_one(m, tx, flume_lock_mpmc_try_send, flume_lock_mpmc_send);
        break;
      case 8:
        if (rx != nullptr) {
          const flume_lock_status s = flume_lock_mpmc_try_recv(rx, &v);
          m.expect_received(s, v, FLUME_LOCK_EMPTY);
        }
        break;
      case 9:
        if (rx != nullptr) {
          const flume_lock_status s = flume_lock_mpmc_recv_timeout(rx, &v, 0);
          m.expect_received(s, v, FLUME_LOCK_TIMEOUT);
        }
        break;
      default:
        if (rx != nullptr) require(flume_lock_mpmc_len(rx) == m.queued.size());
        require(flume_lock_mpmc_len(nullptr) == 0);
        require(flume_lock_mpmc_try_send(nullptr, 1) == FLUME_LOCK_INVALID);
        require(flume_lock_mpmc_try_recv(nullptr, &v) == FLUME_LOCK_INVALID);
        require(flume_lock_mpmc_sender_clone(nullptr) == nullptr);
        require(flume_lock_mpmc_receiver_clone(nullptr) == nullptr);
        break;
    }
  }
  for (flume_lock_mpmc_sender* tx : senders) flume_lock_mpmc_sender_destroy(tx);
  for (flume_lock_mpmc_receiver* rx : receivers) flume_lock_mpmc_receiver_destroy(rx);
}

}  // namespace

// NOLINTNEXTLINE(readability-identifier-naming): the name libFuzzer calls.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  const bool mpmc = in.ConsumeBool();
  model m;
  m.capacity = in.ConsumeBool() ? 0 : in.ConsumeIntegralInRange<std::size_t>(1, 9);
  // 9 picks MPSC's third kind, the rendezvous channel (the C API has no MPMC rendezvous).
  if (!mpmc && m.capacity == 9) {
    m.rendezvous = true;
    m.capacity = 0;
  }
  if (mpmc) {
    run_mpmc(in, m);
  } else {
    run_mpsc(in, m);
  }
  return 0;
}
