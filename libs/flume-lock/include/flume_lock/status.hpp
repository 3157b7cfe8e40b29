// Status codes of every flume-lock operation: no exceptions on the data path.
#pragma once

namespace flume_lock {

/// What a send or receive did.
enum class status : unsigned char {
  ok,            ///< the message was sent / received
  empty,         ///< try_recv: nothing queued right now (the channel is still open)
  full,          ///< try_send on a bounded channel: no free slot right now
  disconnected,  ///< send: the receiver is gone or the channel was closed;
                 ///< recv: closed (or every sender gone) and everything queued was received
  timeout,       ///< *_for / *_until: the deadline passed first
};

/// The status's name, for logs and test messages.
constexpr const char* to_string(status s) noexcept {
  switch (s) {
    case status::ok:
      return "ok";
    case status::empty:
      return "empty";
    case status::full:
      return "full";
    case status::disconnected:
      return "disconnected";
    case status::timeout:
      return "timeout";
  }
  return "unknown";
}

}  // namespace flume_lock
