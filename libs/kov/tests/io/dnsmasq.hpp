// A real DNS server for the DNS tests: dnsmasq (Debian package dnsmasq) started on a free
// loopback port with a configuration file of the test's own in a temporary directory, stopped
// and cleaned up by the destructor.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace kov::test {

// The dnsmasq program, or empty when it is not installed.
inline std::string find_dnsmasq() {
  for (const char* p : {"/usr/sbin/dnsmasq", "/usr/bin/dnsmasq", "/sbin/dnsmasq"}) {
    if (::access(p, X_OK) == 0) return p;
  }
  return {};
}

// A loopback port that was free for TCP and UDP a moment ago (0 if none was found).
inline std::uint16_t free_loopback_port() {
  for (int attempt = 0; attempt < 20; ++attempt) {
    const int udp = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    const bool bound = ::bind(udp, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
                       ::getsockname(udp, reinterpret_cast<sockaddr*>(&a), &len) == 0;
    const int tcp = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    const bool tcp_free = bound && ::bind(tcp, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    ::close(tcp);
    ::close(udp);
    if (tcp_free) return ntohs(a.sin_port);
  }
  return 0;
}

// Whether something accepts TCP connections on 127.0.0.1:port (dnsmasq serves TCP too).
inline bool tcp_port_answers(std::uint16_t port) {
  const int s = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  const bool ok = ::connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(s);
  return ok;
}

// dnsmasq answering only from `records` (configuration lines such as
// "host-record=alpha.test,127.0.0.5,fd00::5" or "local=/test/"), nothing forwarded.
class dnsmasq_server {
 public:
  dnsmasq_server() = default;
  dnsmasq_server(const dnsmasq_server&) = delete;
  dnsmasq_server& operator=(const dnsmasq_server&) = delete;
  ~dnsmasq_server() { stop(); }

  // Starts it; false with the reason in error() when it could not be started.
  bool start(const std::string& program, const std::vector<std::string>& records) {
    std::string dir_template = (std::filesystem::temp_directory_path() / "kov-dns-XXXXXX");
    if (::mkdtemp(dir_template.data()) == nullptr) return fail("mkdtemp failed");
    dir_ = dir_template;
    for (int attempt = 0; attempt < 5; ++attempt) {
      port_ = free_loopback_port();
      if (port_ == 0) return fail("no free loopback port");
      const std::string conf = (dir_ / "dnsmasq.conf").string();
      {
        std::ofstream f(conf);
        f << "port=" << port_ << "\nlisten-address=127.0.0.1\nbind-interfaces\n"
          << "no-resolv\nno-hosts\nno-poll\npid-file=\nlog-facility=-\n";
        for (const auto& r : records) f << r << "\n";
      }
      const std::string log = (dir_ / "dnsmasq.log").string();
      posix_spawn_file_actions_t actions;
      ::posix_spawn_file_actions_init(&actions);
      ::posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND,
                                         0600);
      ::posix_spawn_file_actions_adddup2(&actions, 1, 2);
      std::string conf_arg = "--conf-file=" + conf;
      std::string keep = "--keep-in-foreground";
      std::string path = program;
      std::vector<char*> argv{path.data(), keep.data(), conf_arg.data(), nullptr};
      const int rc = ::posix_spawn(&pid_, program.c_str(), &actions, nullptr, argv.data(), environ);
      ::posix_spawn_file_actions_destroy(&actions);
      if (rc != 0) return fail("posix_spawn failed");
      // Ready once it accepts TCP; gone if the port was taken meanwhile (then try another).
      const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
      while (std::chrono::steady_clock::now() < give_up) {
        if (tcp_port_answers(port_)) return true;
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
          pid_ = -1;
          break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
      stop_process();
    }
    return fail("dnsmasq did not start; see its log in " + dir_.string());
  }

  std::uint16_t port() const noexcept { return port_; }
  const std::string& error() const noexcept { return error_; }

  void stop() {
    stop_process();
    if (!dir_.empty()) {
      std::error_code ignored;
      std::filesystem::remove_all(dir_, ignored);
      dir_.clear();
    }
  }

 private:
  bool fail(std::string why) {
    error_ = std::move(why);
    return false;
  }
  void stop_process() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
  }

  std::filesystem::path dir_;
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
  std::string error_;
};

}  // namespace kov::test
