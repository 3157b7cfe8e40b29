// The part asio-echo and asio-http share: one io_context run by the main thread, an acceptor
// coroutine that starts one coroutine per connection, and SIGINT/SIGTERM stopping it all.
// Standalone Asio (Debian libasio-dev), C++20 coroutines: co_spawn, use_awaitable, awaitable<>.
#pragma once

#include "../common/listen_arg.hpp"

#include <asio.hpp>

#include <csignal>
#include <cstdio>
#include <system_error>

namespace peers::asio_peer {

using asio::ip::tcp;
using connection_handler = asio::awaitable<void> (*)(tcp::socket);

inline asio::awaitable<void> accept_loop(tcp::acceptor& acceptor, connection_handler handle) {
  for (;;) {
    std::error_code ec;
    tcp::socket socket =
        co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      std::fprintf(stderr, "asio peer: accept: %s\n", ec.message().c_str());
      continue;
    }
    socket.set_option(tcp::no_delay(true), ec);
    asio::co_spawn(acceptor.get_executor(), handle(std::move(socket)), asio::detached);
  }
}

inline int serve(int argc, char** argv, const char* name, connection_handler handle) {
  const listen_addr addr = parse_listen(argc, argv, name);
  // Concurrency hint 1: only this thread runs the context, so Asio may skip some locking.
  asio::io_context io(1);
  // Installed before the port listens: a driver may signal as soon as a connect succeeds.
  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&io](const std::error_code&, int) { io.stop(); });
  tcp::acceptor acceptor(io);
  try {
    acceptor = tcp::acceptor(io, tcp::endpoint(asio::ip::make_address(addr.host), addr.port));
  } catch (const std::system_error& e) {
    std::fprintf(stderr, "%s: cannot listen on %s:%u: %s\n", name, addr.host.c_str(), addr.port,
                 e.what());
    return 1;
  }
  asio::co_spawn(io, accept_loop(acceptor, handle), asio::detached);
  io.run();
  return 0;  // the io_context's destructor destroys the suspended connection coroutines
}

}  // namespace peers::asio_peer
