// kov-bench-echo --listen HOST:PORT: TCP echo on kov, the work of peers/common/echo.hpp.
#include "../common/echo.hpp"

#include "server/serve.hpp"

#include <memory>

namespace {

// Written as docs/kov.md recommends for servers with many mostly idle connections: wait for
// input with readable(), which holds no buffer, and take the buffer only for the burst. A
// buffer declared in the loop would live in the coroutine's frame, and every idle connection
// would keep the pages its reads touched.
kov::task<void> echo(kov::net::tcp_stream conn) {
  for (;;) {
    if (!co_await conn.readable()) co_return;  // reset: the connection is done
    // Not zeroed, as in the peers.
    const auto buf = std::make_unique_for_overwrite<char[]>(peers::echo_read_size);
    auto received = co_await conn.read(kov::mutable_buffer(buf.get(), peers::echo_read_size));
    if (!received || *received == 0) co_return;  // reset or end of stream: the connection is done
    const auto sent = co_await conn.write_all(kov::const_buffer(buf.get(), *received));
    if (!sent) co_return;
  }
}

}  // namespace

int main(int argc, char** argv) {
  return example::server_main("kov-bench-echo", argc, argv, echo);
}
