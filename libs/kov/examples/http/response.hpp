// The kov-http example's fixed responses, ready to write as they are.
#pragma once

#include <string_view>

namespace http {

// The answer to a well-formed request. It carries no Connection field: when the request's
// parse_result::keep_alive is false, closing after these bytes is how the server says so.
inline constexpr std::string_view hello_response =
    "HTTP/1.1 200 OK\r\n"
    "Content-Type: text/plain\r\n"
    "Content-Length: 13\r\n"
    "\r\n"
    "Hello, world!";

// hello_response for an HTTP/1.0 request whose keep_alive is true: an HTTP/1.0 client keeps
// the connection only when the response says keep-alive.
inline constexpr std::string_view hello_keep_alive_response =
    "HTTP/1.1 200 OK\r\n"
    "Content-Type: text/plain\r\n"
    "Content-Length: 13\r\n"
    "Connection: keep-alive\r\n"
    "\r\n"
    "Hello, world!";

// The answer to a malformed request (parse_status::malformed); the server closes after it.
inline constexpr std::string_view bad_request_response =
    "HTTP/1.1 400 Bad Request\r\n"
    "Content-Length: 0\r\n"
    "Connection: close\r\n"
    "\r\n";

}  // namespace http
