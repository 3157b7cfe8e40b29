// The hello-world HTTP/1.1 work every http peer does, so they differ only in their runtime.
// A request is everything up to "\r\n\r\n" (no bodies); each complete request gets one copy
// of `response`; a partial request stays buffered until the rest arrives.
#pragma once

#include <cstddef>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace peers {

inline constexpr std::string_view response =
    "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n\r\nHello, world!";

// A connection's unanswered input. Read into space(), commit() what arrived, then answer().
class request_buffer {
 public:
  static constexpr std::size_t read_size = 16384;

  // Room for the next read, at least read_size bytes (grows when a request does not fit).
  std::span<char> space() {
    if (data_.size() - filled_ < read_size) data_.resize(filled_ + read_size);
    return {data_.data() + filled_, data_.size() - filled_};
  }
  void commit(std::size_t n) { filled_ += n; }

  // Appends one response to `out` per complete request and drops those requests.
  // Returns how many there were.
  std::size_t answer(std::string& out) {
    const std::string_view in(data_.data(), filled_);
    std::size_t start = 0;
    std::size_t count = 0;
    for (std::size_t end; (end = in.find("\r\n\r\n", start)) != std::string_view::npos;) {
      start = end + 4;
      out.append(response);
      ++count;
    }
    if (start > 0) {
      std::memmove(data_.data(), data_.data() + start, filled_ - start);
      filled_ -= start;
    }
    return count;
  }

 private:
  std::vector<char> data_;
  std::size_t filled_ = 0;
};

}  // namespace peers
