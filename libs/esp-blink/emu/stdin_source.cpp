#include "stdin_source.hpp"

#include <poll.h>
#include <unistd.h>

#include <array>
#include <cerrno>

namespace esp_blink::emu {

bool read_stdin(std::string& bytes, bool wait) {
  pollfd p{STDIN_FILENO, POLLIN, 0};
  for (;;) {
    const int ready = poll(&p, 1, wait ? -1 : 0);
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) return false;
    if (ready == 0) return true;  // nothing yet
    std::array<char, 4096> buffer{};
    const ssize_t n = read(STDIN_FILENO, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;  // end of input, or an error that will not go away
    bytes.append(buffer.data(), static_cast<size_t>(n));
    return true;
  }
}

bool stdin_is_interactive() {
  return isatty(STDIN_FILENO) == 1 && isatty(STDOUT_FILENO) == 1;
}

}  // namespace esp_blink::emu
