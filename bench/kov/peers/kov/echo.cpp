// kov-bench-echo --listen HOST:PORT: TCP echo on kov, the work of peers/common/echo.hpp.
#include "../common/echo.hpp"
#include "server/serve.hpp"

#include <array>

namespace {

kov::task<void> echo(kov::net::tcp_stream conn) {
  std::array<char, peers::echo_read_size> buf{};
  for (;;) {
    auto n = co_await conn.read(buf);
    if (!n || *n == 0) co_return;  // a reset or the end of the stream: the connection is done
    if (!co_await conn.write_all(kov::const_buffer(buf.data(), *n))) co_return;
  }
}

}  // namespace

int main(int argc, char** argv) {
  return example::server_main("kov-bench-echo", argc, argv, echo);
}
