// The command line every peer server shares: `NAME --listen HOST:PORT` (an IPv4 address).
#pragma once

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace peers {

struct listen_addr {
  std::string host;
  unsigned short port = 0;
};

// Exits with status 2 and a usage line when the arguments are not exactly `--listen HOST:PORT`.
inline listen_addr parse_listen(int argc, char** argv, const char* name) {
  if (argc == 3 && std::strcmp(argv[1], "--listen") == 0) {
    const std::string addr = argv[2];
    const auto colon = addr.rfind(':');
    if (colon != std::string::npos && colon > 0) {
      char* end = nullptr;
      const long port = std::strtol(addr.c_str() + colon + 1, &end, 10);
      if (*end == '\0' && end != addr.c_str() + colon + 1 && port > 0 && port < 65536) {
        return {addr.substr(0, colon), static_cast<unsigned short>(port)};
      }
    }
  }
  std::fprintf(stderr, "usage: %s --listen HOST:PORT   (e.g. 127.0.0.1:8080)\n", name);
  std::exit(2);
}

}  // namespace peers
