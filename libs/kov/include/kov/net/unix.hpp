// Unix-domain stream sockets: kov::net::unix_listener and kov::net::unix_stream. Paths as in
// socket_address::unix_path ("@name" is Linux's abstract namespace).
#pragma once

#include <kov/export.hpp>
#include <kov/net/stream_socket.hpp>
#include <kov/task.hpp>

#include <string_view>
#include <utility>

namespace kov::net {

class KOV_API unix_stream : public stream_socket {
 public:
  static constexpr bool unix_domain = true;  // for basic_listener
  unix_stream() noexcept = default;

  static task<result<unix_stream>> connect(socket_address to);
  // Two connected sockets (socketpair(2)).
  static result<std::pair<unix_stream, unix_stream>> pair() noexcept;
  // Takes ownership of a connected Unix stream socket (closed on failure too).
  static result<unix_stream> adopt(int fd) noexcept;

 private:
  explicit unix_stream(kov::detail::io_handle h) noexcept : stream_socket(std::move(h)) {}
};

using unix_listener = detail::basic_listener<unix_stream>;

}  // namespace kov::net
