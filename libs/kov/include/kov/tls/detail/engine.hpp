// The OpenSSL side of a tls::stream, without any I/O: an SSL object between two memory BIOs.
// Ciphertext from the peer goes in with give_input(), ciphertext for the peer comes out with
// take_output(); the calls never block and never touch a file descriptor. tls::stream drives it.
#pragma once

#include <kov/buffer.hpp>
#include <kov/result.hpp>
#include <kov/tls/context.hpp>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace kov::tls::detail {

// What a step of the engine came to.
enum class step : unsigned char {
  done,       // finished (for read: `bytes` of plaintext)
  want_read,  // needs more ciphertext from the peer (send pending output first)
  closed,     // the peer's close_notify arrived: the end of its data
  failed,     // error() says why, error_text() in OpenSSL's words
};

struct step_result {
  step what = step::failed;
  std::size_t bytes = 0;
};

class KOV_API engine {
 public:
  // A client checks the peer's certificate against `host` (a name or an IP address) and sends
  // it as SNI when it is a name; a server ignores `host`.
  static result<engine> make(const context& ctx, std::string_view host);

  engine(engine&&) noexcept;
  engine& operator=(engine&&) noexcept;
  ~engine();

  step_result handshake();
  step_result read(mutable_buffer plain);
  // Encrypts all of `plain` into the output (post-handshake a write never needs input).
  step_result write(const_buffer plain);
  // Queues our close_notify.
  step_result shutdown();
  // Queues a TLS 1.3 KeyUpdate (asking the peer to update too when `request_peer`).
  result<void> key_update(bool request_peer);

  std::size_t pending_output() const noexcept;
  std::size_t take_output(mutable_buffer out) noexcept;
  // Throws away all pending output (a broken stream must send nothing more).
  void drop_output() noexcept;
  void give_input(const_buffer cipher) noexcept;

  std::error_code error() const noexcept;
  const std::string& error_text() const noexcept;
  std::string_view alpn() const noexcept;
  bool session_reused() const noexcept;
  // "TLSv1.2", "TLSv1.3".
  std::string_view protocol_version() const noexcept;
  bool handshake_done() const noexcept;

 private:
  struct impl;
  explicit engine(std::unique_ptr<impl> p) noexcept;
  std::unique_ptr<impl> p_;
};

}  // namespace kov::tls::detail
