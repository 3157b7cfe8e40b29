// libuv-echo --listen HOST:PORT: TCP echo on libuv's default loop, one thread (the work of
// common/echo.hpp).
#include "../common/echo.hpp"

#include "serve.hpp"

namespace {

using namespace peers::uv_peer;

struct echo_connection : connection {
  char buf[peers::echo_read_size];

  static void on_alloc(uv_handle_t* h, std::size_t, uv_buf_t* out) {
    auto* c = static_cast<echo_connection*>(static_cast<connection*>(h->data));
    *out = uv_buf_init(c->buf, sizeof c->buf);
  }
  static void on_read(uv_stream_t* stream, ssize_t n, const uv_buf_t* buf) {
    if (n < 0) {  // EOF or error
      close_connection(stream);
      return;
    }
    if (n > 0) write_all(stream, buf->base, static_cast<std::size_t>(n));
  }
};

}  // namespace

int main(int argc, char** argv) {
  return serve<echo_connection>(argc, argv, "libuv-echo");
}
