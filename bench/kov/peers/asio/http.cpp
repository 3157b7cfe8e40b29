// asio-http --listen HOST:PORT: HTTP/1.1 hello world (keep-alive, pipelining) on Asio's C++20
// coroutines, one thread. All responses to one read go out in one write.
#include "http_loop.hpp"
#include "serve.hpp"

int main(int argc, char** argv) {
  using peers::asio_peer::tcp;
  return peers::asio_peer::serve(argc, argv, "asio-http",
                                 peers::asio_peer::answer_http<tcp::socket>);
}
