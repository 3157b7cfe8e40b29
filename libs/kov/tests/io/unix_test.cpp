// Unix-domain stream sockets: a listener on a filesystem path and on an abstract name,
// connect, pair(), echo, and the errors of connecting to nothing.

#include <kov/net/unix.hpp>
#include <kov/runtime.hpp>
#include <kov/time.hpp>

#include "io_fixture.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace std::chrono_literals;
namespace net = kov::net;
using kov::test::errno_code;
using unix_io = kov::test::io_test;

// A fresh directory under TMPDIR (or /tmp), removed with what is left in it.
class temp_dir {
 public:
  temp_dir() {
    const char* base = std::getenv("TMPDIR");
    std::string pattern =
        std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/kov-unix-test-XXXXXX";
    if (::mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~temp_dir() {
    if (path_.empty()) return;
    ::unlink(file("sock").c_str());
    ::rmdir(path_.c_str());
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  bool ok() const noexcept { return !path_.empty(); }
  std::string file(std::string_view name) const { return path_ + "/" + std::string(name); }

 private:
  std::string path_;
};

kov::task<kov::result<std::size_t>> echo_until_eof(net::unix_stream s) {
  std::array<char, 4096> buf{};
  std::size_t total = 0;
  for (;;) {
    auto n = co_await s.read(buf);
    if (!n) co_return n.error();
    if (*n == 0) co_return total;
    auto w = co_await s.write_all(kov::const_buffer(buf.data(), *n));
    if (!w) co_return w.error();
    total += *n;
  }
}

// Connects to `at`, accepts on `l`, and checks an echo over the connection.
kov::task<void> echo_through(net::unix_listener& l, net::socket_address at) {
  auto c = co_await net::unix_stream::connect(at);
  KOV_CO_ASSERT_OK(c);
  auto s = co_await l.accept().with_timeout(5s);
  KOV_CO_ASSERT_OK(s);
  auto server = kov::spawn(echo_until_eof(std::move(*s)));
  const std::vector<char> msg = kov::test::pattern(5, 200000);
  auto w = co_await c->write_all(msg);
  KOV_CO_ASSERT_OK(w);
  std::vector<char> back(msg.size());
  auto r = co_await c->read_exact(back).with_timeout(5s);
  KOV_CO_ASSERT_OK(r);
  EXPECT_TRUE(back == msg);
  KOV_CO_ASSERT(c->shutdown().has_value());
  auto echoed = co_await server;
  KOV_CO_ASSERT_OK(echoed);
  KOV_CO_ASSERT_OK(*echoed);
  EXPECT_EQ(**echoed, msg.size());
}

TEST_F(unix_io, listener_on_a_path) {
  temp_dir dir;
  ASSERT_TRUE(dir.ok());
  const std::string path = dir.file("sock");
  run([](std::string p) -> kov::task<void> {
    auto at = net::socket_address::unix_path(p);
    KOV_CO_ASSERT_OK(at);
    auto l = net::unix_listener::bind(*at);
    KOV_CO_ASSERT_OK(l);
    auto local = l->local_address();
    KOV_CO_ASSERT_OK(local);
    EXPECT_TRUE(local->is_unix());
    EXPECT_EQ(local->to_string(), p);
    struct stat st {};
    EXPECT_EQ(::stat(p.c_str(), &st), 0);
    EXPECT_TRUE(S_ISSOCK(st.st_mode));
    co_await echo_through(*l, *at);
    // The path is taken while the socket file exists.
    auto again = net::unix_listener::bind(*at);
    EXPECT_EQ(again.error(), errno_code(EADDRINUSE));
  }(path));
}

TEST_F(unix_io, listener_on_an_abstract_name) {
  const std::string name = "@kov-test-" + std::to_string(::getpid());
  run([](std::string n) -> kov::task<void> {
    auto at = net::socket_address::unix_path(n);
    KOV_CO_ASSERT_OK(at);
    auto l = net::unix_listener::bind(*at);
    KOV_CO_ASSERT_OK(l);
    auto local = l->local_address();
    KOV_CO_ASSERT_OK(local);
    EXPECT_EQ(local->to_string(), n);
    co_await echo_through(*l, *at);
  }(name));
}

TEST_F(unix_io, pair_talks_both_ways_and_sees_the_end) {
  run([]() -> kov::task<void> {
    auto p = net::unix_stream::pair();
    KOV_CO_ASSERT_OK(p);
    auto& [a, b] = *p;
    KOV_CO_ASSERT((co_await a.write_all(std::string_view("to b"))).has_value());
    KOV_CO_ASSERT((co_await b.write_all(std::string_view("to a"))).has_value());
    std::array<char, 4> buf{};
    KOV_CO_ASSERT((co_await b.read_exact(buf).with_timeout(5s)).has_value());
    EXPECT_EQ(std::string_view(buf.data(), 4), "to b");
    KOV_CO_ASSERT((co_await a.read_exact(buf).with_timeout(5s)).has_value());
    EXPECT_EQ(std::string_view(buf.data(), 4), "to a");
    // A parked read sees the other end close.
    auto reader = kov::spawn([](net::unix_stream& s) -> kov::task<kov::result<std::size_t>> {
      std::array<char, 8> b2{};
      co_return co_await s.read(b2).with_timeout(5s);
    }(b));
    co_await kov::yield_now();
    EXPECT_FALSE(reader.is_finished());
    a.close();
    auto r = co_await reader;
    KOV_CO_ASSERT_OK(r);
    KOV_CO_ASSERT_OK(*r);
    EXPECT_EQ(**r, 0u);
  }());
}

// A Unix listener's backlog is a hard limit: connect(2) says EAGAIN when it is full (there
// is no handshake to retry). The connect must end, not wait for a readiness that never comes.
TEST_F(unix_io, connect_to_a_full_backlog_ends) {
  const std::string name = "@kov-test-full-" + std::to_string(::getpid());
  run([](std::string n) -> kov::task<void> {
    auto at = net::socket_address::unix_path(n);
    KOV_CO_ASSERT_OK(at);
    auto l = net::unix_listener::bind(*at, 1);  // never accepts
    KOV_CO_ASSERT_OK(l);
    std::vector<net::unix_stream> queued;
    std::error_code refused;
    for (int i = 0; i < 8 && !refused; ++i) {
      auto c = co_await kov::timeout(2s, net::unix_stream::connect(*at));
      if (!c) {
        ADD_FAILURE() << "connect " << i << " did not end: " << c.error().message();
        co_return;
      }
      if (*c) {
        queued.push_back(std::move(**c));
      } else {
        refused = c->error();
      }
    }
    EXPECT_EQ(refused, errno_code(EAGAIN)) << refused.message();
    EXPECT_GE(queued.size(), 1u);
  }(name));
}

TEST_F(unix_io, connect_to_nothing_fails) {
  temp_dir dir;
  ASSERT_TRUE(dir.ok());
  const std::string missing = dir.file("missing");
  const std::string name = "@kov-test-nobody-" + std::to_string(::getpid());
  run([](std::string path, std::string abstract) -> kov::task<void> {
    auto at = net::socket_address::unix_path(path);
    KOV_CO_ASSERT_OK(at);
    auto c = co_await net::unix_stream::connect(*at);
    EXPECT_EQ(c.error(), errno_code(ENOENT)) << c.error().message();
    auto at2 = net::socket_address::unix_path(abstract);
    KOV_CO_ASSERT_OK(at2);
    auto c2 = co_await net::unix_stream::connect(*at2);
    EXPECT_EQ(c2.error(), errno_code(ECONNREFUSED)) << c2.error().message();
    // An IP address is not a Unix address.
    auto c3 = co_await net::unix_stream::connect(net::socket_address::ipv4_loopback(1));
    EXPECT_EQ(c3.error(), std::errc::address_family_not_supported);
  }(missing, name));
}

}  // namespace
