// What the kov::tls tests share: test certificates made with the openssl CLI in a temporary
// directory (a CA, a localhost server certificate, an expired one, one for another name and a
// self-signed one), and peer programs (openssl s_server / s_client, curl) run as children.
#pragma once

#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

extern char** environ;

namespace kov::test {

#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
inline constexpr bool under_sanitizer = true;
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer) || __has_feature(address_sanitizer)
inline constexpr bool under_sanitizer = true;
#else
inline constexpr bool under_sanitizer = false;
#endif
#else
inline constexpr bool under_sanitizer = false;
#endif

// The certificates, made once per test program. Every path is absolute.
struct test_certs {
  std::string dir;
  std::string ca;           // ca.pem: the CA every good certificate is signed by
  std::string server_cert;  // localhost and 127.0.0.1, signed by the CA
  std::string server_key;
  std::string expired_cert;  // localhost, signed by the CA, expired yesterday
  std::string expired_key;
  std::string wrong_name_cert;  // wrong.example, signed by the CA
  std::string wrong_name_key;
  std::string self_signed_cert;  // localhost, signed by itself
  std::string self_signed_key;
  bool ok = false;
};

inline bool run_quiet(const std::string& cmd) {
  return std::system((cmd + " >/dev/null 2>&1").c_str()) == 0;
}

inline test_certs make_test_certs() {
  test_certs c;
  std::string templ = "/tmp/kov-tls-XXXXXX";
  if (::mkdtemp(templ.data()) == nullptr) return c;
  c.dir = templ;
  const std::string d = c.dir + "/";
  const std::string key = "-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes";
  c.ca = d + "ca.pem";
  bool ok = run_quiet("openssl req -x509 " + key + " -keyout " + d + "ca.key -out " + c.ca +
                      " -days 30 -subj /CN=kov-test-ca");
  std::ofstream(d + "localhost.ext") << "subjectAltName=DNS:localhost,IP:127.0.0.1\n";
  std::ofstream(d + "wrong.ext") << "subjectAltName=DNS:wrong.example\n";
  // A certificate signed by the CA: name, subject, extension file, validity in days.
  const auto signed_cert = [&](const std::string& name, const std::string& cn,
                               const std::string& ext, const std::string& days) {
    return run_quiet("openssl req " + key + " -keyout " + d + name + ".key -out " + d + name +
                     ".csr -subj /CN=" + cn) &&
           run_quiet("openssl x509 -req -in " + d + name + ".csr -CA " + c.ca + " -CAkey " + d +
                     "ca.key -CAcreateserial -out " + d + name + ".pem -days " + days +
                     " -extfile " + d + ext);
  };
  ok = ok && signed_cert("server", "localhost", "localhost.ext", "30");
  ok = ok && signed_cert("expired", "localhost", "localhost.ext", "-1");
  ok = ok && signed_cert("wrong", "wrong.example", "wrong.ext", "30");
  ok = ok && run_quiet("openssl req -x509 " + key + " -keyout " + d + "self.key -out " + d +
                       "self.pem -days 30 -subj /CN=localhost -addext " +
                       "subjectAltName=DNS:localhost,IP:127.0.0.1");
  c.server_cert = d + "server.pem";
  c.server_key = d + "server.key";
  c.expired_cert = d + "expired.pem";
  c.expired_key = d + "expired.key";
  c.wrong_name_cert = d + "wrong.pem";
  c.wrong_name_key = d + "wrong.key";
  c.self_signed_cert = d + "self.pem";
  c.self_signed_key = d + "self.key";
  c.ok = ok;
  return c;
}

// Removes a directory tree at program exit.
struct remove_at_exit {
  explicit remove_at_exit(std::string d) : dir(std::move(d)) {}
  remove_at_exit(const remove_at_exit&) = delete;
  remove_at_exit& operator=(const remove_at_exit&) = delete;
  ~remove_at_exit() {
    std::error_code ignored;
    if (!dir.empty()) std::filesystem::remove_all(dir, ignored);
  }
  std::string dir;
};

inline const test_certs& certs() {
  static const test_certs c = make_test_certs();
  static const remove_at_exit cleanup(c.dir);
  return c;
}

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// A port on 127.0.0.1 that was free a moment ago (for a peer program to listen on).
inline int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0) {
    port = ntohs(a.sin_port);
  }
  ::close(fd);
  return port;
}

// A child program with a pipe to its stdin and its stdout and stderr in a file. Killed (if it
// still runs) and reaped when destroyed.
class child_process {
 public:
  child_process(const std::vector<std::string>& argv, const std::string& output_file)
      : output_(output_file) {
    int in[2];
    if (::pipe2(in, O_CLOEXEC) != 0) return;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in[0], 0);
    posix_spawn_file_actions_addopen(&fa, 1, output_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0600);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    if (::posix_spawnp(&pid_, args[0], &fa, nullptr, args.data(), environ) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&fa);
    ::close(in[0]);
    stdin_ = in[1];
  }
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;
  ~child_process() {
    close_stdin();
    if (pid_ > 0 && !exited_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }

  bool started() const noexcept { return pid_ > 0; }
  bool send(const std::string& text) {
    return stdin_ >= 0 &&
           ::write(stdin_, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  }
  void close_stdin() {
    if (stdin_ >= 0) ::close(std::exchange(stdin_, -1));
  }
  std::string output() const { return read_file(output_); }
  // The exit status once it has exited (without waiting), -1 while it runs.
  int poll_exit() {
    if (exited_) return status_;
    int st = 0;
    if (::waitpid(pid_, &st, WNOHANG) != pid_) return -1;
    exited_ = true;
    status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    return status_;
  }

 private:
  std::string output_;
  pid_t pid_ = -1;
  int stdin_ = -1;
  bool exited_ = false;
  int status_ = -1;
};

}  // namespace kov::test
