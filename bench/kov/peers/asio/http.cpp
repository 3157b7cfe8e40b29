// asio-http --listen HOST:PORT: HTTP/1.1 hello world (keep-alive, pipelining) on Asio's C++20
// coroutines, one thread. All responses to one read go out in one write.
#include "../common/http_hello.hpp"
#include "serve.hpp"

#include <string>

namespace {

using peers::asio_peer::tcp;

asio::awaitable<void> http(tcp::socket socket) {
  peers::request_buffer in;
  std::string out;
  for (;;) {
    std::error_code ec;
    const std::span<char> space = in.space();
    const std::size_t n = co_await socket.async_read_some(
        asio::buffer(space.data(), space.size()), asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;  // EOF or error: close
    in.commit(n);
    out.clear();
    if (in.answer(out) == 0) continue;
    co_await asio::async_write(socket, asio::buffer(out),
                               asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
  }
}

}  // namespace

int main(int argc, char** argv) {
  return peers::asio_peer::serve(argc, argv, "asio-http", http);
}
