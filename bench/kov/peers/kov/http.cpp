// kov-bench-http --listen HOST:PORT: HTTP/1.1 hello world (keep-alive, pipelining) on kov, the
// work of peers/common/http_hello.hpp. All responses to one read go out in one write. The
// strict RFC 9112 server is the kov-http example, measured as its own row.
#include "../common/http_hello.hpp"
#include "server/serve.hpp"

#include <string>

namespace {

kov::task<void> http(kov::net::tcp_stream conn) {
  peers::request_buffer in;
  std::string out;
  for (;;) {
    const std::span<char> space = in.space();
    auto n = co_await conn.read(kov::mutable_buffer(space.data(), space.size()));
    if (!n || *n == 0) co_return;  // a reset or the end of the stream: close
    in.commit(*n);
    out.clear();
    if (in.answer(out) == 0) continue;
    if (!co_await conn.write_all(out)) co_return;
  }
}

}  // namespace

int main(int argc, char** argv) {
  return example::server_main("kov-bench-http", argc, argv, http);
}
