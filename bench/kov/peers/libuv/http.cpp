// libuv-http --listen HOST:PORT: HTTP/1.1 hello world (keep-alive, pipelining) on libuv's
// default loop, one thread. All responses to one read go out in one write.
#include "../common/http_hello.hpp"
#include "serve.hpp"

#include <string>

namespace {

using namespace peers::uv_peer;

struct http_connection : connection {
  peers::request_buffer in;
  std::string out;

  static http_connection* of(uv_handle_t* h) {
    return static_cast<http_connection*>(static_cast<connection*>(h->data));
  }
  static void on_alloc(uv_handle_t* h, std::size_t, uv_buf_t* out) {
    auto* c = of(h);
    const std::span<char> space = c->in.space();
    *out = uv_buf_init(space.data(), static_cast<unsigned>(space.size()));
  }
  static void on_read(uv_stream_t* stream, ssize_t n, const uv_buf_t*) {
    if (n < 0) {  // EOF or error: close
      close_connection(stream);
      return;
    }
    auto* c = of(reinterpret_cast<uv_handle_t*>(stream));
    c->in.commit(static_cast<std::size_t>(n));
    c->out.clear();
    if (c->in.answer(c->out) > 0) write_all(stream, c->out.data(), c->out.size());
  }
};

}  // namespace

int main(int argc, char** argv) {
  return serve<http_connection>(argc, argv, "libuv-http");
}
