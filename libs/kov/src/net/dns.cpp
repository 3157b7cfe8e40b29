// kov::net::resolve: c-ares channels of the runtime, one per configuration (server, hosts
// file), each made on first use and driven by a task of its own ("kov-dns") that lives as long
// as the runtime: its frame owns the channel, so the channel goes when the runtime's tasks do.
// A lookup submits its query and waits for the answer with its own deadline.
#include <kov/async_fd.hpp>
#include <kov/detail/runtime_core.hpp>
#include <kov/net/dns.hpp>
#include <kov/notify.hpp>
#include <kov/runtime.hpp>
#include <kov/time.hpp>

#include <ares.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>

namespace kov::net {
namespace {

std::error_code from_ares(int status) noexcept {
  switch (status) {
    case ARES_ENOTFOUND:
      return dns_errc::host_not_found;
    case ARES_ENODATA:
      return dns_errc::no_data;
    case ARES_ETIMEOUT:
      return dns_errc::timed_out;
    case ARES_EREFUSED:
      return dns_errc::refused;
    case ARES_ESERVFAIL:
      return dns_errc::server_failure;
    case ARES_ECONNREFUSED:
      return dns_errc::unreachable;
    case ARES_EBADNAME:
    case ARES_EBADSTR:
      return dns_errc::bad_name;
    case ARES_ESERVICE:
      return dns_errc::bad_service;
    case ARES_EFORMERR:
    case ARES_EBADRESP:
      return dns_errc::bad_response;
    case ARES_ENOMEM:
      return std::make_error_code(std::errc::not_enough_memory);
    case ARES_ECANCELLED:
    case ARES_EDESTRUCTION:
      return errc::cancelled;
    default:
      return dns_errc::failure;
  }
}

// now + d, with d capped at a year (a longer wait is as good as none, and keeps the timer's
// arithmetic far from the clock's end).
clock::time_point deadline_after(std::chrono::nanoseconds d) noexcept {
  constexpr std::chrono::nanoseconds year = std::chrono::hours(24 * 365);
  return clock::now() + std::chrono::duration_cast<clock::duration>(std::min(d, year));
}

void init_library_once() noexcept {
  // Needed only on Windows, harmless here; c-ares asks for it before the first channel.
  static const int status = ares_library_init(ARES_LIB_INIT_ALL);
  (void)status;
}

// What one lookup waits for: c-ares's answer. Shared by the lookup and c-ares's callback (which
// holds its own reference until it has run), so either may go first: a lookup abandoned by
// its task (aborted, timed out) leaves the callback a place to write to.
struct query {
  event ready;
  result<std::vector<socket_address>> answer = errc::cancelled;
};

// A c-ares channel of one runtime and one configuration (server, hosts file), driven by its
// pump task (below). c-ares's sockets go into an epoll set of the channel's own, together with
// `kick_`, an eventfd that a new query writes to; the pump awaits that set's fd on kov's reactor
// (an epoll fd is readable while any fd in it is ready, on both backends), with ares_timeout
// as its deadline for c-ares's retries.
//
// Invariant: once open() succeeded, channel_ is a live channel whose callbacks point at this
// object, which never moves (it lives in the pump's frame); poller_ is open and holds kick_ and
// every socket c-ares watches, with the events c-ares asked for. `pending` counts the queries
// whose callback has not run yet.
class shared_channel {
 public:
  shared_channel(detail::runtime_core* rt, std::string key) : rt_(rt), key_(std::move(key)) {
    registry().push_back(this);
  }
  ~shared_channel() {
    std::erase(registry(), this);
    // Runs every pending query's callback (ARES_EDESTRUCTION) and closes the sockets, each
    // going through on_socket_state while poller_ is still open.
    if (channel_ != nullptr) ares_destroy(channel_);
    if (kick_ >= 0) ::close(kick_);
  }
  shared_channel(const shared_channel&) = delete;
  shared_channel& operator=(const shared_channel&) = delete;

  bool serves(const detail::runtime_core* rt, const std::string& key) const noexcept {
    return rt_ == rt && key_ == key;
  }

  result<void> open(const resolve_options& o) {
    init_library_once();
    auto p = async_fd::adopt(::epoll_create1(EPOLL_CLOEXEC), false);
    if (!p) return p.error();
    poller_ = std::move(*p);
    kick_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (kick_ < 0) return detail::last_error();
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = kick_;
    if (::epoll_ctl(poller_.native_handle(), EPOLL_CTL_ADD, kick_, &ev) != 0) {
      return detail::last_error();
    }
    ares_options opts{};
    const int mask = ARES_OPT_SOCK_STATE_CB | ARES_OPT_LOOKUPS;
    opts.sock_state_cb = &shared_channel::on_socket_state;
    opts.sock_state_cb_data = this;
    // Files then DNS ("fb"), getaddrinfo's usual nsswitch order, without c-ares reading
    // nsswitch.conf; c-ares copies the string.
    std::string order = o.hosts_file ? "fb" : "b";
    opts.lookups = order.data();
    if (const int s = ares_init_options(&channel_, &opts, mask); s != ARES_SUCCESS) {
      channel_ = nullptr;
      return from_ares(s);
    }
    if (o.server) {
      const std::string csv = o.server->to_string();  // "127.0.0.1:53", "[::1]:53"
      if (const int s = ares_set_servers_ports_csv(channel_, csv.c_str()); s != ARES_SUCCESS) {
        return from_ares(s);
      }
    }
    return {};
  }

  // Starts a lookup. Answers from /etc/hosts and IP literals are there when this returns.
  void submit(const std::string& host, const std::string& service, std::shared_ptr<query> q) {
    ares_addrinfo_hints hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    const query& started = *q;  // kept alive by the caller's reference
    auto* ref = new callback_ref{this, std::move(q)};
    ++pending_;
    ares_getaddrinfo(channel_, host.c_str(), service.empty() ? nullptr : service.c_str(), &hints,
                     &shared_channel::on_answer, ref);
    // Going to the network: the pump recomputes its deadline (c-ares's retry timeout).
    if (!started.ready.is_set()) kick();
  }

  // A lookup gave up on its query. When it was the only one in flight, c-ares stops it now
  // (its callback runs, the sockets of the channel are closed); otherwise it runs to its end
  // and the answer is dropped.
  void abandon() noexcept {
    if (pending_ == 1) ares_cancel(channel_);
  }

  // The pump: lets c-ares read, write and retry whenever its sockets or timeouts say so.
  // Lives as long as the runtime (it is destroyed with the runtime's tasks).
  static task<void> pump(std::unique_ptr<shared_channel> self) {
    for (;;) {
      auto ready = co_await self->poller_.readable().with_deadline(self->next_timeout());
      if (!ready && ready.error() != errc::timed_out) {
        // The reactor lost the poller: nothing can be answered any more.
        self->failure_ = ready.error();
        ares_cancel(self->channel_);
        co_return;
      }
      self->process();
      if (self->failure_) {
        // A socket could not be watched (watch() below): its queries could only time out.
        ares_cancel(self->channel_);
        self->failure_.clear();
      }
    }
  }

  // The channel of `rt` for `key`, if there is one.
  static shared_channel* find(const detail::runtime_core* rt, const std::string& key) noexcept {
    for (shared_channel* c : registry()) {
      if (c->serves(rt, key)) return c;
    }
    return nullptr;
  }

 private:
  // c-ares's reference to a query, freed by the callback.
  struct callback_ref {
    shared_channel* channel;
    std::shared_ptr<query> q;
  };

  // The channels of the runtimes on this thread: each is listed from its construction to its
  // destruction (with its pump's frame, at the latest with its runtime).
  static std::vector<shared_channel*>& registry() noexcept {
    thread_local std::vector<shared_channel*> channels;
    return channels;
  }

  void kick() noexcept {
    const std::uint64_t one = 1;
    // A full counter (never, at 2^64 - 2) would still leave the fd readable.
    (void)!::write(kick_, &one, sizeof one);
  }

  // When c-ares next needs to run for its retries (none: only when a socket is ready).
  std::optional<clock::time_point> next_timeout() const noexcept {
    timeval tv{};
    if (ares_timeout(channel_, nullptr, &tv) == nullptr) return std::nullopt;
    return clock::now() + std::chrono::seconds(tv.tv_sec) + std::chrono::microseconds(tv.tv_usec);
  }

  void process() noexcept {
    std::array<epoll_event, 8> events{};
    const int n =
        ::epoll_wait(poller_.native_handle(), events.data(), static_cast<int>(events.size()), 0);
    for (int i = 0; i < n; ++i) {
      const epoll_event& e = events[static_cast<std::size_t>(i)];
      if (e.data.fd == kick_) {
        std::uint64_t count = 0;
        (void)!::read(kick_, &count, sizeof count);
        continue;
      }
      const bool readable = (e.events & (EPOLLIN | EPOLLERR | EPOLLHUP)) != 0;
      const bool writable = (e.events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) != 0;
      ares_process_fd(channel_, readable ? e.data.fd : ARES_SOCKET_BAD,
                      writable ? e.data.fd : ARES_SOCKET_BAD);
    }
    // Timeouts (and nothing else, when no socket was ready).
    ares_process_fd(channel_, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
  }

  static void on_socket_state(void* data, ares_socket_t fd, int readable, int writable) noexcept {
    // Safety: `data` is the channel object that owns the c-ares channel calling back (see the
    // invariant).
    static_cast<shared_channel*>(data)->watch(fd, readable != 0, writable != 0);
  }

  void watch(int fd, bool readable, bool writable) noexcept {
    const int epfd = poller_.native_handle();
    if (!readable && !writable) {
      // c-ares is about to close it. Removing it is all that is needed.
      ::epoll_ctl(epfd, EPOLL_CTL_DEL, fd, nullptr);
      return;
    }
    epoll_event ev{};
    ev.events = (readable ? EPOLLIN : 0U) | (writable ? EPOLLOUT : 0U);
    ev.data.fd = fd;
    if (::epoll_ctl(epfd, EPOLL_CTL_MOD, fd, &ev) != 0 &&
        (errno != ENOENT || ::epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) != 0)) {
      // Unwatched, the socket's queries could only time out: the pump fails them instead (not
      // from here, inside c-ares).
      failure_ = detail::last_error();
      kick();
    }
  }

  static void on_answer(void* arg, int status, int /*timeouts*/, ares_addrinfo* ai) noexcept {
    // Safety: `arg` is the callback_ref that submit() made for this query; c-ares calls back
    // exactly once, so it is freed exactly once, here.
    std::unique_ptr<callback_ref> ref(static_cast<callback_ref*>(arg));
    ref->channel->finish(*ref->q, status, ai);
  }

  void finish(query& q, int status, ares_addrinfo* ai) noexcept {
    --pending_;
    if (status != ARES_SUCCESS) {
      q.answer = status == ARES_ECANCELLED && failure_ ? failure_ : from_ares(status);
    } else {
      try {
        std::vector<socket_address> addrs;
        for (const ares_addrinfo_node* n = ai->nodes; n != nullptr; n = n->ai_next) {
          addrs.push_back(
              socket_address::from_native(n->ai_addr, static_cast<socklen_t>(n->ai_addrlen)));
        }
        q.answer = addrs.empty()
                       ? result<std::vector<socket_address>>(make_error_code(dns_errc::no_data))
                       : result<std::vector<socket_address>>(std::move(addrs));
      } catch (const std::bad_alloc&) {
        q.answer = make_error_code(std::errc::not_enough_memory);
      }
    }
    if (ai != nullptr) ares_freeaddrinfo(ai);
    q.ready.set();
  }

  detail::runtime_core* rt_;
  std::string key_;
  ares_channel channel_ = nullptr;
  async_fd poller_;
  int kick_ = -1;
  std::size_t pending_ = 0;
  std::error_code failure_;
};

// Completes once `q` has its answer.
task<void> answered(std::shared_ptr<query> q) {
  co_await q->ready.wait();
}

// What selects a channel: the server, and whether /etc/hosts is read.
std::string channel_key(const resolve_options& o) {
  return (o.server ? o.server->to_string() : std::string()) + (o.hosts_file ? "|fb" : "|b");
}

// The runtime's channel for `o`, made (with its pump) on first use.
result<shared_channel*> channel_for(const resolve_options& o) {
  detail::runtime_core* rt = detail::current_runtime();
  std::string key = channel_key(o);
  if (shared_channel* c = shared_channel::find(rt, key)) return c;
  auto c = std::make_unique<shared_channel>(rt, std::move(key));
  if (auto opened = c->open(o); !opened) return opened.error();
  shared_channel* raw = c.get();
  detail::spawn_on(*rt, shared_channel::pump(std::move(c)), "kov-dns", detail::location::current())
      .detach();
  return raw;
}

bool valid_name(const std::string& host) noexcept {
  return !host.empty() && host.find('\0') == std::string::npos;
}

// A decimal port 0-65535 ("0" included, which c-ares 1.18 reads as a service name).
std::optional<std::uint16_t> numeric_port(const std::string& service) noexcept {
  if (service.empty() || service.size() > 5) return std::nullopt;
  unsigned value = 0;
  for (const char c : service) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  if (value > 65535) return std::nullopt;
  return static_cast<std::uint16_t>(value);
}

task<result<std::vector<socket_address>>> resolve_copied(std::string host, std::string service,
                                                         resolve_options options) {
  if (detail::current_runtime() == nullptr) co_return errc::no_runtime;
  if (!valid_name(host) || service.find('\0') != std::string::npos) {
    co_return make_error_code(dns_errc::bad_name);
  }
  if (options.server && !options.server->is_ipv4() && !options.server->is_ipv6()) {
    co_return make_error_code(std::errc::invalid_argument);
  }
  const clock::time_point deadline = deadline_after(options.timeout);
  // A port number is set here; only a service name goes to c-ares.
  const std::optional<std::uint16_t> port = numeric_port(service);
  if (port) service.clear();
  auto channel = channel_for(options);
  if (!channel) co_return channel.error();
  auto q = std::make_shared<query>();
  (*channel)->submit(host, service, q);
  if (!q->ready.is_set()) {
    // Gives the query up if this task is aborted or the deadline passes first.
    // Safety: the channel outlives every query it has not answered (its destructor and the
    // pump's exit answer them all), and `channel` is used only while `q` is unanswered.
    struct abandon_guard {
      shared_channel* channel;
      const query& q;
      ~abandon_guard() {
        if (!q.ready.is_set()) channel->abandon();
      }
    } guard{*channel, *q};
    auto waited = co_await timeout_at(deadline, answered(q));
    if (!waited) co_return make_error_code(dns_errc::timed_out);
  }
  auto answer = std::move(q->answer);
  if (answer && port) {
    for (socket_address& a : *answer) a = a.with_port(*port);
  }
  co_return answer;
}

}  // namespace

task<result<std::vector<socket_address>>> resolve(std::string_view host, std::string_view service,
                                                  resolve_options options) {
  return resolve_copied(std::string(host), std::string(service), options);
}

}  // namespace kov::net
