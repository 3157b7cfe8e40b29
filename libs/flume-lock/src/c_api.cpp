// The C API: thin handles around sender<uint64_t> / receiver<uint64_t>.
#include <flume_lock.h>
#include <flume_lock/channel.hpp>
#include <flume_lock/select.hpp>

#include "c_status.hpp"

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

using flume_lock::c_api::no_memory_guard;
using flume_lock::c_api::to_c;

namespace {

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

flume_lock_status flume_lock_select(flume_lock_receiver* const* rxs, size_t count, uint64_t* out,
                                    size_t* index, int64_t timeout_ns) {
  if (rxs == nullptr || out == nullptr || index == nullptr || count == 0 ||
      count > FLUME_LOCK_SELECT_MAX)
    return FLUME_LOCK_INVALID;
  for (size_t i = 0; i < count; ++i) {
    if (rxs[i] == nullptr) return FLUME_LOCK_INVALID;
    for (size_t j = 0; j < i; ++j) {
      if (rxs[j] == rxs[i]) return FLUME_LOCK_INVALID;
    }
  }
  // Each call builds its own selector, so the fairness rotation is kept here: operation k is
  // receiver (first + k) % count, and `first` moves past the receiver that last completed.
  static thread_local size_t rotation = 0;
  const size_t first = rotation % count;
  flume_lock::basic_selector<FLUME_LOCK_SELECT_MAX> sel;
  uint64_t values[FLUME_LOCK_SELECT_MAX] = {};
  for (size_t k = 0; k < count; ++k) sel.recv(rxs[(first + k) % count]->rx, values[k]);
  flume_lock::selected r{};
  if (timeout_ns < 0) {
    r = sel.select();
  } else if (timeout_ns == 0) {
    r = sel.try_select();
  } else {
    r = sel.select_for(std::chrono::nanoseconds(timeout_ns));
  }
  if (r.index == flume_lock::select_none) {
    *index = count;
    return FLUME_LOCK_TIMEOUT;  // empty (timeout 0) or timeout: nothing was ready in time
  }
  *index = (first + r.index) % count;
  rotation = *index + 1;
  if (r.result == flume_lock::status::ok) *out = values[r.index];
  return to_c(r.result);
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
