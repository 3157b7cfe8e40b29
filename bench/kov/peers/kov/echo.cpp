// kov-bench-echo --listen HOST:PORT: TCP echo on kov, the work of peers/common/echo.hpp.
#include "../common/echo.hpp"

#include "server/serve.hpp"

#include <array>

namespace {

kov::task<void> echo(kov::net::tcp_stream conn) {
  // Not zeroed, as in the peers: an idle connection keeps only the pages its reads touched.
  std::array<char, peers::echo_read_size> buf;  // NOLINT(cppcoreguidelines-pro-type-member-init)
  for (;;) {
    auto received = co_await conn.read(buf);
    if (!received || *received == 0) co_return;  // reset or end of stream: the connection is done
    const auto sent = co_await conn.write_all(kov::const_buffer(buf.data(), *received));
    if (!sent) co_return;
  }
}

}  // namespace

int main(int argc, char** argv) {
  return example::server_main("kov-bench-echo", argc, argv, echo);
}
