// Out-of-line copies of flume-lock's send and receive, named so `make asm`
// (libs/flume-lock/tools/asm.sh) can find them in the release benchmark binary and print their
// machine code. The measured loops inline the same member functions; these exist to be read.
#include <flume_lock/channel.hpp>

#include <cstdint>

namespace flume_lock_bench {

[[gnu::noinline, gnu::used]] flume_lock::status send_fast_path(
    flume_lock::sender<std::uint64_t>& tx, std::uint64_t value) {
  return tx.send(value);
}

[[gnu::noinline, gnu::used]] flume_lock::status recv_fast_path(
    flume_lock::receiver<std::uint64_t>& rx, std::uint64_t& out) {
  return rx.recv(out);
}

[[gnu::noinline, gnu::used]] flume_lock::status try_recv_fast_path(
    flume_lock::receiver<std::uint64_t>& rx, std::uint64_t& out) {
  return rx.try_recv(out);
}

}  // namespace flume_lock_bench
