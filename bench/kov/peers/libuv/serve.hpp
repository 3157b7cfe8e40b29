// The part libuv-echo and libuv-http share: the default loop on the main thread, a listening
// TCP handle, one `Connection` object per accepted socket, writes that try the socket first,
// and SIGINT/SIGTERM closing every handle so the loop ends and the process exits with 0.
#pragma once

#include "../common/listen_arg.hpp"

#include <uv.h>

#include <csignal>
#include <cstdio>
#include <vector>

namespace peers::uv_peer {

// Base of a server's per-connection state; handle.data points back at it.
struct connection {
  uv_tcp_t handle;
  uv_alloc_cb alloc = nullptr;  // the server's callbacks, to resume reading after a wait
  uv_read_cb read = nullptr;
  virtual ~connection() = default;
};

inline void on_closed(uv_handle_t* h) {
  delete static_cast<connection*>(h->data);  // null for the server's own handles
}

inline void close_connection(uv_stream_t* stream) {
  if (!uv_is_closing(reinterpret_cast<uv_handle_t*>(stream))) {
    uv_close(reinterpret_cast<uv_handle_t*>(stream), on_closed);
  }
}

struct pending_write {
  uv_write_t req;
  std::vector<char> data;
};

inline void on_written(uv_write_t* req, int status) {
  uv_stream_t* stream = req->handle;
  delete static_cast<pending_write*>(req->data);
  if (status < 0) {
    close_connection(stream);
  } else if (uv_stream_get_write_queue_size(stream) == 0) {
    auto* c = static_cast<connection*>(stream->data);
    uv_read_start(stream, c->alloc, c->read);
  }
}

// Writes `len` bytes: directly when the socket takes them (the usual case on loopback, no
// allocation), otherwise the rest is copied and queued, and reading pauses until it is written
// (as the coroutine peers, which await each write before reading again). So at EOF nothing is
// queued and closing loses nothing. The caller may reuse `data` on return. Closes the
// connection on a write error.
inline void write_all(uv_stream_t* stream, const char* data, std::size_t len) {
  uv_buf_t buf = uv_buf_init(const_cast<char*>(data), static_cast<unsigned>(len));
  const int written = uv_try_write(stream, &buf, 1);
  if (written == static_cast<int>(len)) return;
  if (written < 0 && written != UV_EAGAIN) {
    close_connection(stream);
    return;
  }
  const std::size_t done = written > 0 ? static_cast<std::size_t>(written) : 0;
  auto* w = new pending_write{{}, std::vector<char>(data + done, data + len)};
  w->req.data = w;
  buf = uv_buf_init(w->data.data(), static_cast<unsigned>(w->data.size()));
  if (uv_write(&w->req, stream, &buf, 1, on_written) < 0) {
    delete w;
    close_connection(stream);
    return;
  }
  uv_read_stop(stream);
}

template <class Connection>
void on_connection(uv_stream_t* server, int status) {
  if (status < 0) {
    std::fprintf(stderr, "libuv peer: accept: %s\n", uv_strerror(status));
    return;
  }
  auto* c = new Connection();
  uv_tcp_init(server->loop, &c->handle);
  c->handle.data = static_cast<connection*>(c);
  auto* stream = reinterpret_cast<uv_stream_t*>(&c->handle);
  if (uv_accept(server, stream) != 0) {
    close_connection(stream);
    return;
  }
  uv_tcp_nodelay(&c->handle, 1);
  c->alloc = Connection::on_alloc;
  c->read = Connection::on_read;
  uv_read_start(stream, c->alloc, c->read);
}

inline void on_signal(uv_signal_t* s, int) {
  uv_walk(
      s->loop,
      [](uv_handle_t* h, void*) {
        if (!uv_is_closing(h)) uv_close(h, on_closed);
      },
      nullptr);
}

template <class Connection>
int serve(int argc, char** argv, const char* name) {
  const listen_addr addr = parse_listen(argc, argv, name);
  uv_loop_t* loop = uv_default_loop();
  // Installed before the port listens: a driver may signal as soon as a connect succeeds.
  uv_signal_t sigint, sigterm;
  uv_signal_init(loop, &sigint);
  uv_signal_init(loop, &sigterm);
  sigint.data = sigterm.data = nullptr;
  uv_signal_start(&sigint, on_signal, SIGINT);
  uv_signal_start(&sigterm, on_signal, SIGTERM);

  uv_tcp_t server;
  uv_tcp_init(loop, &server);
  server.data = nullptr;
  sockaddr_in sa{};
  int rc = uv_ip4_addr(addr.host.c_str(), addr.port, &sa);
  if (rc == 0) rc = uv_tcp_bind(&server, reinterpret_cast<const sockaddr*>(&sa), 0);
  if (rc == 0) {
    rc = uv_listen(reinterpret_cast<uv_stream_t*>(&server), SOMAXCONN, on_connection<Connection>);
  }
  if (rc != 0) {
    std::fprintf(stderr, "%s: cannot listen on %s:%u: %s\n", name, addr.host.c_str(), addr.port,
                 uv_strerror(rc));
    return 1;
  }
  uv_run(loop, UV_RUN_DEFAULT);  // returns once on_signal has closed every handle
  return uv_loop_close(loop) == 0 ? 0 : 1;
}

}  // namespace peers::uv_peer
