// A tiny program a user would write: it only needs the libraries' installed headers and targets.
#include <flume_lock.h>
#include <flume_lock/channel.hpp>

#include <cstdint>
#include <cstdio>
#include <thread>

int main() {
  auto [tx, rx] = flume_lock::channel<std::uint64_t>();
  std::thread producer([tx = std::move(tx)] {
    for (std::uint64_t i = 1; i <= 1000; ++i) tx.send(i);
  });
  std::uint64_t sum = 0;
  std::uint64_t v = 0;
  while (rx.recv(v) == flume_lock::status::ok) sum += v;
  producer.join();

  flume_lock_sender* ctx = nullptr;
  flume_lock_receiver* crx = nullptr;
  if (flume_lock_channel_create(0, &ctx, &crx) != FLUME_LOCK_OK) return 1;
  flume_lock_send(ctx, 5);
  std::uint64_t c = 0;
  const bool c_ok = flume_lock_try_recv(crx, &c) == FLUME_LOCK_OK && c == 5;
  flume_lock_sender_destroy(ctx);
  flume_lock_receiver_destroy(crx);

  std::printf("consumer: sum %llu, C API %s\n", static_cast<unsigned long long>(sum),
              c_ok ? "ok" : "broken");
  return sum == 500500 && c_ok ? 0 : 1;
}
