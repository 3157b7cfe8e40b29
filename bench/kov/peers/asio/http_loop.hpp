// The HTTP hello-world loop asio-http and asio-https share, over a plain socket or an
// ssl::stream: read, answer every complete request (peers/common/http_hello.hpp), all responses
// to one read in one write, until the peer closes or fails.
#pragma once

#include "../common/http_hello.hpp"

#include <asio.hpp>

#include <string>
#include <system_error>

namespace peers::asio_peer {

template <class Stream>
asio::awaitable<void> answer_http(Stream stream) {
  request_buffer in;
  std::string out;
  for (;;) {
    std::error_code ec;
    const std::span<char> space = in.space();
    const std::size_t n = co_await stream.async_read_some(
        asio::buffer(space.data(), space.size()), asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;  // EOF, truncation or error: close
    in.commit(n);
    out.clear();
    if (in.answer(out) == 0) continue;
    co_await asio::async_write(stream, asio::buffer(out),
                               asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
  }
}

}  // namespace peers::asio_peer
