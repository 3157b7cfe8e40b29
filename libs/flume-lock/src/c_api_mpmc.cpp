// The C API's MPMC channels: thin handles around mpmc::sender<uint64_t> / receiver<uint64_t>.
#include <flume_lock.h>
#include <flume_lock/mpmc/channel.hpp>

#include "c_status.hpp"

#include <chrono>
#include <cstdint>
#include <new>
#include <utility>

struct flume_lock_mpmc_sender {
  flume_lock::mpmc::sender<std::uint64_t> tx;
};
struct flume_lock_mpmc_receiver {
  flume_lock::mpmc::receiver<std::uint64_t> rx;
};

using flume_lock::c_api::no_memory_guard;
using flume_lock::c_api::to_c;

extern "C" {

flume_lock_status flume_lock_mpmc_channel_create(size_t capacity, flume_lock_mpmc_sender** tx,
                                                 flume_lock_mpmc_receiver** rx) {
  if (tx == nullptr || rx == nullptr) return FLUME_LOCK_INVALID;
  return no_memory_guard([&] {
    auto [s, r] = flume_lock::mpmc::make_channel<std::uint64_t>(capacity);
    auto* tx_handle = new flume_lock_mpmc_sender{std::move(s)};
    auto* rx_handle = new (std::nothrow) flume_lock_mpmc_receiver{std::move(r)};
    if (rx_handle == nullptr) {
      delete tx_handle;
      return FLUME_LOCK_NO_MEMORY;
    }
    *tx = tx_handle;
    *rx = rx_handle;
    return FLUME_LOCK_OK;
  });
}

flume_lock_mpmc_sender* flume_lock_mpmc_sender_clone(const flume_lock_mpmc_sender* tx) {
  if (tx == nullptr) return nullptr;
  return new (std::nothrow) flume_lock_mpmc_sender{tx->tx};
}

flume_lock_mpmc_receiver* flume_lock_mpmc_receiver_clone(const flume_lock_mpmc_receiver* rx) {
  if (rx == nullptr) return nullptr;
  return new (std::nothrow) flume_lock_mpmc_receiver{rx->rx};
}

flume_lock_status flume_lock_mpmc_send(flume_lock_mpmc_sender* tx, uint64_t value) {
  if (tx == nullptr) return FLUME_LOCK_INVALID;
  return no_memory_guard([&] { return to_c(tx->tx.send(value)); });
}

flume_lock_status flume_lock_mpmc_try_send(flume_lock_mpmc_sender* tx, uint64_t value) {
  if (tx == nullptr) return FLUME_LOCK_INVALID;
  return no_memory_guard([&] { return to_c(tx->tx.try_send(value)); });
}

flume_lock_status flume_lock_mpmc_try_recv(flume_lock_mpmc_receiver* rx, uint64_t* out) {
  if (rx == nullptr || out == nullptr) return FLUME_LOCK_INVALID;
  return to_c(rx->rx.try_recv(*out));
}

flume_lock_status flume_lock_mpmc_recv_timeout(flume_lock_mpmc_receiver* rx, uint64_t* out,
                                               int64_t timeout_ns) {
  if (rx == nullptr || out == nullptr) return FLUME_LOCK_INVALID;
  if (timeout_ns < 0) return to_c(rx->rx.recv(*out));
  return to_c(rx->rx.recv_for(*out, std::chrono::nanoseconds(timeout_ns)));
}

size_t flume_lock_mpmc_len(const flume_lock_mpmc_receiver* rx) {
  return rx == nullptr ? 0 : rx->rx.len();
}

void flume_lock_mpmc_sender_close(flume_lock_mpmc_sender* tx) {
  if (tx != nullptr) tx->tx.close();
}
void flume_lock_mpmc_receiver_close(flume_lock_mpmc_receiver* rx) {
  if (rx != nullptr) rx->rx.close();
}
void flume_lock_mpmc_sender_destroy(flume_lock_mpmc_sender* tx) {
  delete tx;
}
void flume_lock_mpmc_receiver_destroy(flume_lock_mpmc_receiver* rx) {
  delete rx;
}

}  // extern "C"
