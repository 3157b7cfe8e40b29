// The C API: thin handles around sender<uint64_t> / receiver<uint64_t>.
#include <flume_lock.h>
#include <flume_lock/channel.hpp>

#include <chrono>
#include <cstdint>
#include <new>
#include <optional>
#include <utility>

struct flume_lock_sender {
  flume_lock::sender<std::uint64_t> tx;
};
struct flume_lock_receiver {
  flume_lock::receiver<std::uint64_t> rx;
};

namespace {

flume_lock_status to_c(flume_lock::status s) {
  switch (s) {
    case flume_lock::status::ok:
      return FLUME_LOCK_OK;
    case flume_lock::status::empty:
      return FLUME_LOCK_EMPTY;
    case flume_lock::status::full:
      return FLUME_LOCK_FULL;
    case flume_lock::status::disconnected:
      return FLUME_LOCK_DISCONNECTED;
    case flume_lock::status::timeout:
      return FLUME_LOCK_TIMEOUT;
  }
  return FLUME_LOCK_INVALID;
}

// Runs `f` (returning a flume_lock_status) so that no exception crosses into C: an allocation
// failure (a new segment, a new handle) becomes FLUME_LOCK_NO_MEMORY.
template <class F>
flume_lock_status no_memory_guard(F&& f) noexcept {
  try {
    return f();
  } catch (const std::bad_alloc&) {
    return FLUME_LOCK_NO_MEMORY;
  }
}

flume_lock_status create(std::optional<std::size_t> capacity, flume_lock_sender** tx,
                         flume_lock_receiver** rx) {
  if (tx == nullptr || rx == nullptr) return FLUME_LOCK_INVALID;
  return no_memory_guard([&] {
    auto [s, r] = flume_lock::make_channel<std::uint64_t>(capacity);
    auto* tx_handle = new flume_lock_sender{std::move(s)};
    auto* rx_handle = new (std::nothrow) flume_lock_receiver{std::move(r)};
    if (rx_handle == nullptr) {
      delete tx_handle;
      return FLUME_LOCK_NO_MEMORY;
    }
    *tx = tx_handle;
    *rx = rx_handle;
    return FLUME_LOCK_OK;
  });
}

}  // namespace

extern "C" {

flume_lock_status flume_lock_channel_create(size_t capacity, flume_lock_sender** tx,
                                            flume_lock_receiver** rx) {
  // C keeps 0 = unbounded; flume_lock_rendezvous_create makes the zero-capacity flavour.
  return create(capacity == 0 ? std::nullopt : std::optional<std::size_t>(capacity), tx, rx);
}

flume_lock_status flume_lock_rendezvous_create(flume_lock_sender** tx, flume_lock_receiver** rx) {
  return create(0, tx, rx);
}

flume_lock_status flume_lock_receiver_len(const flume_lock_receiver* rx, size_t* len) {
  if (rx == nullptr || len == nullptr) return FLUME_LOCK_INVALID;
  *len = rx->rx.len();
  return FLUME_LOCK_OK;
}

flume_lock_sender* flume_lock_sender_clone(const flume_lock_sender* tx) {
  if (tx == nullptr) return nullptr;
  return new (std::nothrow) flume_lock_sender{tx->tx};
}

flume_lock_status flume_lock_send(flume_lock_sender* tx, uint64_t value) {
  if (tx == nullptr) return FLUME_LOCK_INVALID;
  return no_memory_guard([&] { return to_c(tx->tx.send(value)); });
}

flume_lock_status flume_lock_try_send(flume_lock_sender* tx, uint64_t value) {
  if (tx == nullptr) return FLUME_LOCK_INVALID;
  return no_memory_guard([&] { return to_c(tx->tx.try_send(value)); });
}

flume_lock_status flume_lock_send_ptr(flume_lock_sender* tx, void* pointer) {
  return flume_lock_send(tx, static_cast<uint64_t>(reinterpret_cast<std::uintptr_t>(pointer)));
}

flume_lock_status flume_lock_try_recv(flume_lock_receiver* rx, uint64_t* out) {
  if (rx == nullptr || out == nullptr) return FLUME_LOCK_INVALID;
  return to_c(rx->rx.try_recv(*out));
}

flume_lock_status flume_lock_recv_timeout(flume_lock_receiver* rx, uint64_t* out,
                                          int64_t timeout_ns) {
  if (rx == nullptr || out == nullptr) return FLUME_LOCK_INVALID;
  if (timeout_ns < 0) return to_c(rx->rx.recv(*out));
  return to_c(rx->rx.recv_for(*out, std::chrono::nanoseconds(timeout_ns)));
}

flume_lock_status flume_lock_recv_ptr_timeout(flume_lock_receiver* rx, void** out,
                                              int64_t timeout_ns) {
  if (out == nullptr) return FLUME_LOCK_INVALID;
  uint64_t value = 0;
  const flume_lock_status s = flume_lock_recv_timeout(rx, &value, timeout_ns);
  if (s == FLUME_LOCK_OK) *out = reinterpret_cast<void*>(static_cast<std::uintptr_t>(value));
  return s;
}

void flume_lock_sender_close(flume_lock_sender* tx) {
  if (tx != nullptr) tx->tx.close();
}
void flume_lock_receiver_close(flume_lock_receiver* rx) {
  if (rx != nullptr) rx->rx.close();
}
void flume_lock_sender_destroy(flume_lock_sender* tx) {
  delete tx;
}
void flume_lock_receiver_destroy(flume_lock_receiver* rx) {
  delete rx;
}

const char* flume_lock_status_name(flume_lock_status status) {
  switch (status) {
    case FLUME_LOCK_OK:
      return "ok";
    case FLUME_LOCK_EMPTY:
      return "empty";
    case FLUME_LOCK_FULL:
      return "full";
    case FLUME_LOCK_DISCONNECTED:
      return "disconnected";
    case FLUME_LOCK_TIMEOUT:
      return "timeout";
    case FLUME_LOCK_INVALID:
      return "invalid argument";
    case FLUME_LOCK_NO_MEMORY:
      return "out of memory";
  }
  return "unknown";
}

}  // extern "C"
