// kov-echo --listen ADDR: a TCP echo server. Every byte a client sends comes back.

#include "server/serve.hpp"

#include <array>

namespace {

kov::task<void> echo(kov::net::tcp_stream conn) {
  std::array<char, 4096> buf{};
  for (;;) {
    auto n = co_await conn.read(buf);
    if (!n || *n == 0) co_return;  // a reset or the end of the stream: the connection is done
    if (!co_await conn.write_all(kov::const_buffer(buf.data(), *n))) co_return;
  }
}

}  // namespace

int main(int argc, char** argv) {
  return example::server_main("kov-echo", argc, argv, echo);
}
