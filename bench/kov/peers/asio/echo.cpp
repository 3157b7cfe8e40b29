// asio-echo --listen HOST:PORT: TCP echo on Asio's C++20 coroutines, one thread (the work of
// common/echo.hpp).
#include "../common/echo.hpp"

#include "serve.hpp"

#include <array>

namespace {

using peers::asio_peer::tcp;

asio::awaitable<void> echo(tcp::socket socket) {
  std::array<char, peers::echo_read_size> buf;
  for (;;) {
    std::error_code ec;
    const std::size_t n = co_await socket.async_read_some(
        asio::buffer(buf), asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;  // EOF or error: the socket closes with the frame
    co_await asio::async_write(socket, asio::buffer(buf.data(), n),
                               asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
  }
}

}  // namespace

int main(int argc, char** argv) {
  return peers::asio_peer::serve(argc, argv, "asio-echo", echo);
}
