// The backend selector's fallback: with io_uring blocked the way container seccomp profiles
// block it (io_uring_setup fails with EPERM), a runtime still starts, on epoll, and serves;
// later runtimes of the process do not try io_uring again. Each case runs in a child process,
// since a seccomp filter cannot be removed.

#include <kov/net/tcp.hpp>
#include <kov/runtime.hpp>

#include <gtest/gtest.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <csignal>
#include <cstddef>
#include <string>
#include <system_error>

using namespace std::chrono_literals;

namespace {

constexpr std::uint32_t refuse_with_eperm = SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA);

// Applies `action` to every io_uring_setup(2) of this process from now on.
bool block_io_uring(std::uint32_t action = refuse_with_eperm) {
  sock_filter program[] = {
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_io_uring_setup, 0, 1),
      BPF_STMT(BPF_RET | BPF_K, action),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  sock_fprog prog{static_cast<unsigned short>(std::size(program)), program};
  return ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 &&
         ::prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) == 0;
}

// Runs `body` in a child with io_uring blocked; its return value is the child's exit status.
template <class Body>
int in_child_without_io_uring(Body body, std::uint32_t action = refuse_with_eperm) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    if (!block_io_uring(action)) ::_exit(90);
    int code = 91;
    try {
      code = body();
    } catch (...) {
      code = 92;
    }
    ::_exit(code);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// One echo round trip over loopback on the runtime driving this thread.
kov::task<bool> echo_once() {
  auto listener = kov::net::tcp_listener::bind(kov::net::socket_address::ipv4_loopback(0));
  if (!listener) co_return false;
  auto server = kov::spawn([](kov::net::tcp_listener& l) -> kov::task<bool> {
    auto conn = co_await l.accept();
    if (!conn) co_return false;
    std::array<char, 5> buf{};
    if (!co_await conn->read_exact(buf)) co_return false;
    co_return static_cast<bool>(co_await conn->write_all(buf));
  }(*listener));
  auto client = co_await kov::net::tcp_stream::connect(*listener->local_address(), 1s);
  if (!client || !co_await client->write_all(std::string_view("hello"))) co_return false;
  std::array<char, 5> back{};
  if (!co_await client->read_exact(back)) co_return false;
  auto served = co_await server;
  const bool echoed = served && *served && std::string(back.data(), back.size()) == "hello";
  co_return echoed;
}

}  // namespace

TEST(backend_fallback, automatic_selection_falls_back_to_epoll_and_serves) {
  const int code = in_child_without_io_uring([] {
    kov::runtime rt;
    if (std::string(rt.core().reactor().name()) != "epoll") return 1;
    return rt.block_on(echo_once()) ? 0 : 2;
  });
  EXPECT_EQ(code, 0);
}

volatile std::sig_atomic_t setup_calls = 0;

// SIGSYS from a SECCOMP_RET_TRAP filter: counts the io_uring_setup(2) and makes it fail with
// EPERM, as a blocking profile would.
void count_and_refuse(int, siginfo_t*, void* context) {
  setup_calls = setup_calls + 1;
#if defined(__x86_64__)
  static_cast<ucontext_t*>(context)->uc_mcontext.gregs[REG_RAX] = -EPERM;
#else
  (void)context;
#endif
}

TEST(backend_fallback, a_blocked_io_uring_is_tried_once_per_process) {
#if !defined(__x86_64__)
  GTEST_SKIP() << "the SIGSYS handler sets the syscall result on x86-64 only";
#endif
  const int code = in_child_without_io_uring(
      [] {
        struct sigaction on_sys {};
        on_sys.sa_sigaction = count_and_refuse;
        on_sys.sa_flags = SA_SIGINFO;
        if (::sigaction(SIGSYS, &on_sys, nullptr) != 0) return 2;
        for (int i = 0; i < 3; ++i) {
          kov::runtime rt;
          if (std::string(rt.core().reactor().name()) != "epoll") return 1;
        }
        return setup_calls == 1 ? 0 : 10 + static_cast<int>(setup_calls);
      },
      SECCOMP_RET_TRAP);
  EXPECT_EQ(code, 0) << "exit 1x: io_uring_setup was called x times";
}

TEST(backend_fallback, forcing_an_unavailable_io_uring_is_an_error) {
  const int code = in_child_without_io_uring([] {
    kov::runtime_options o;
    o.backend = kov::io_backend::io_uring;
    try {
      kov::runtime rt(o);
    } catch (const std::system_error& e) {
      return e.code() == std::errc::function_not_supported ? 0 : 3;
    }
    return 4;
  });
  EXPECT_EQ(code, 0);
}

TEST(backend_fallback, io_uring_runs_when_the_kernel_offers_it) {
  kov::runtime_options o;
  o.backend = kov::io_backend::io_uring;
  std::unique_ptr<kov::runtime> rt;
  try {
    rt = std::make_unique<kov::runtime>(o);
  } catch (const std::system_error& e) {
    GTEST_SKIP() << "io_uring unavailable here: " << e.what();
  }
  EXPECT_STREQ(rt->core().reactor().name(), "io_uring");
  EXPECT_TRUE(rt->block_on(echo_once()));
}
