// kov::net::resolve: one c-ares channel per lookup, driven by the awaiting task itself.
//
// c-ares reports the sockets it wants watched through its socket-state callback; they go into
// an epoll set of the lookup's own, and that set's fd is what the task awaits on kov's reactor
// (an epoll fd is readable while any fd in it is ready, on both backends). Between answers the
// task wakes for c-ares's retry timeouts (ares_timeout) and for the lookup's own deadline.
// A channel per lookup makes abort exact (ares_destroy closes the lookup's sockets and ends
// its query, nothing is left to a channel that outlives the task) and keeps the runtime free
// of state; the price is ares_init's read of /etc/resolv.conf on every lookup.
#include <kov/async_fd.hpp>
#include <kov/detail/runtime_core.hpp>
#include <kov/net/dns.hpp>
#include <kov/time.hpp>

#include <ares.h>
#include <sys/epoll.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <cerrno>
#include <string>
#include <utility>

namespace kov::net {
namespace {

class dns_category_impl final : public std::error_category {
 public:
  const char* name() const noexcept override { return "kov.dns"; }
  std::string message(int value) const override {
    return dns_description(static_cast<dns_errc>(value));
  }
  std::error_condition default_error_condition(int value) const noexcept override {
    if (static_cast<dns_errc>(value) == dns_errc::timed_out) return std::errc::timed_out;
    return {value, *this};
  }
};

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

// now + d, saturating at the clock's end instead of overflowing.
clock::time_point deadline_after(std::chrono::nanoseconds d) noexcept {
  const clock::time_point now = clock::now();
  const auto room = clock::time_point::max() - now;
  return d >= room ? clock::time_point::max() : now + std::chrono::duration_cast<clock::duration>(d);
}

void init_library_once() noexcept {
  // Needed only on Windows, harmless here; c-ares asks for it before the first channel.
  static const int status = ares_library_init(ARES_LIB_INIT_ALL);
  (void)status;
}

// One lookup: its channel, the epoll set of the channel's sockets, and the answer.
//
// Invariant: channel_ is null or a live channel whose callbacks point at this object (which
// never moves: it lives in the resolving task's frame). poller_ is open once c-ares has opened
// a socket; every socket c-ares watches is in it with the events c-ares asked for.
class lookup {
 public:
  lookup() noexcept = default;
  ~lookup() {
    // Runs the pending query's callback (ARES_EDESTRUCTION) and closes the sockets, each going
    // through on_socket_state while poller_ is still open.
    if (channel_ != nullptr) ares_destroy(channel_);
  }
  lookup(const lookup&) = delete;
  lookup& operator=(const lookup&) = delete;

  result<void> start(const std::string& host, const std::string& service,
                     const resolve_options& o) {
    init_library_once();
    ares_options opts{};
    int mask = ARES_OPT_SOCK_STATE_CB | ARES_OPT_LOOKUPS;
    opts.sock_state_cb = &lookup::on_socket_state;
    opts.sock_state_cb_data = this;
    // Files then DNS ("fb"), as getaddrinfo's usual nsswitch order, without c-ares reading
    // nsswitch.conf; c-ares copies the string.
    std::string order = o.hosts_file ? "fb" : "b";
    opts.lookups = order.data();
    if (const int s = ares_init_options(&channel_, &opts, mask); s != ARES_SUCCESS) {
      channel_ = nullptr;
      return from_ares(s);
    }
    if (o.server) {
      if (!o.server->is_ipv4() && !o.server->is_ipv6()) {
        return make_error_code(std::errc::invalid_argument);
      }
      const std::string csv = o.server->to_string();  // "127.0.0.1:53", "[::1]:53"
      if (const int s = ares_set_servers_ports_csv(channel_, csv.c_str()); s != ARES_SUCCESS) {
        return from_ares(s);
      }
    }
    ares_addrinfo_hints hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    ares_getaddrinfo(channel_, host.c_str(), service.empty() ? nullptr : service.c_str(), &hints,
                     &lookup::on_answer, this);
    return {};
  }

  bool done() const noexcept { return done_; }
  // A failure to watch a socket: the lookup cannot go on.
  std::error_code watch_error() const noexcept { return watch_error_; }
  bool has_poller() const noexcept { return poller_.is_open(); }
  async_fd& poller() noexcept { return poller_; }

  // When c-ares next needs to run for its retries, capped at `limit`.
  clock::time_point next_timeout(clock::time_point limit) const noexcept {
    timeval tv{};
    if (ares_timeout(channel_, nullptr, &tv) == nullptr) return limit;
    const auto wait = std::chrono::seconds(tv.tv_sec) + std::chrono::microseconds(tv.tv_usec);
    return std::min(limit, clock::now() + wait);
  }

  // Lets c-ares read, write and retry on whatever is ready now.
  void process() noexcept {
    std::array<epoll_event, 8> events{};
    const int n = has_poller() ? ::epoll_wait(poller_.native_handle(), events.data(),
                                              static_cast<int>(events.size()), 0)
                               : 0;
    for (int i = 0; i < n && !done_; ++i) {
      const int fd = events[static_cast<std::size_t>(i)].data.fd;
      const std::uint32_t ev = events[static_cast<std::size_t>(i)].events;
      const bool readable = (ev & (EPOLLIN | EPOLLERR | EPOLLHUP)) != 0;
      const bool writable = (ev & (EPOLLOUT | EPOLLERR | EPOLLHUP)) != 0;
      ares_process_fd(channel_, readable ? fd : ARES_SOCKET_BAD, writable ? fd : ARES_SOCKET_BAD);
    }
    // Timeouts (and nothing else, when no fd was ready).
    if (!done_) ares_process_fd(channel_, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
  }

  result<std::vector<socket_address>> take() noexcept { return std::move(answer_); }

 private:
  static void on_socket_state(void* data, ares_socket_t fd, int readable, int writable) noexcept {
    // Safety: `data` is the lookup that owns the channel calling back (see the invariant).
    static_cast<lookup*>(data)->watch(fd, readable != 0, writable != 0);
  }

  void watch(int fd, bool readable, bool writable) noexcept {
    if (!readable && !writable) {
      // c-ares is about to close it. Removing it is all that is needed.
      if (has_poller()) ::epoll_ctl(poller_.native_handle(), EPOLL_CTL_DEL, fd, nullptr);
      return;
    }
    if (!has_poller()) {
      auto p = async_fd::adopt(::epoll_create1(EPOLL_CLOEXEC), false);
      if (!p) {
        watch_error_ = p.error();
        return;
      }
      poller_ = std::move(*p);
    }
    epoll_event ev{};
    ev.events = (readable ? EPOLLIN : 0U) | (writable ? EPOLLOUT : 0U);
    ev.data.fd = fd;
    const int epfd = poller_.native_handle();
    if (::epoll_ctl(epfd, EPOLL_CTL_MOD, fd, &ev) != 0 &&
        (errno != ENOENT || ::epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) != 0)) {
      watch_error_ = detail::last_error();
    }
  }

  static void on_answer(void* arg, int status, int /*timeouts*/, ares_addrinfo* ai) noexcept {
    // Safety: as in on_socket_state.
    static_cast<lookup*>(arg)->finish(status, ai);
  }

  void finish(int status, ares_addrinfo* ai) noexcept {
    done_ = true;
    if (status != ARES_SUCCESS) {
      answer_ = from_ares(status);
    } else {
      try {
        std::vector<socket_address> addrs;
        for (const ares_addrinfo_node* n = ai->nodes; n != nullptr; n = n->ai_next) {
          addrs.push_back(
              socket_address::from_native(n->ai_addr, static_cast<socklen_t>(n->ai_addrlen)));
        }
        answer_ = addrs.empty() ? result<std::vector<socket_address>>(make_error_code(dns_errc::no_data))
                                : result<std::vector<socket_address>>(std::move(addrs));
      } catch (const std::bad_alloc&) {
        answer_ = make_error_code(std::errc::not_enough_memory);
      }
    }
    if (ai != nullptr) ares_freeaddrinfo(ai);
  }

  ares_channel channel_ = nullptr;
  async_fd poller_;
  std::error_code watch_error_;
  bool done_ = false;
  result<std::vector<socket_address>> answer_ = errc::cancelled;
};

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

}  // namespace

const std::error_category& dns_category() noexcept {
  static const dns_category_impl category;
  return category;
}

const char* dns_description(dns_errc e) noexcept {
  switch (e) {
    case dns_errc::host_not_found:
      return "host not found";
    case dns_errc::no_data:
      return "the name has no address";
    case dns_errc::timed_out:
      return "DNS lookup timed out";
    case dns_errc::refused:
      return "the DNS server refused the query";
    case dns_errc::server_failure:
      return "the DNS server failed";
    case dns_errc::unreachable:
      return "no DNS server could be reached";
    case dns_errc::bad_name:
      return "malformed host name";
    case dns_errc::bad_service:
      return "unknown service";
    case dns_errc::bad_response:
      return "malformed DNS response";
    case dns_errc::failure:
      return "DNS lookup failed";
  }
  return "unknown DNS error";
}

task<result<std::vector<socket_address>>> resolve(std::string host, std::string service,
                                                  resolve_options options) {
  if (detail::current_runtime() == nullptr) co_return errc::no_runtime;
  if (!valid_name(host) || service.find('\0') != std::string::npos) co_return make_error_code(dns_errc::bad_name);
  const clock::time_point deadline = deadline_after(options.timeout);
  // A port number is set here; only a service name goes to c-ares.
  const std::optional<std::uint16_t> port = numeric_port(service);
  if (port) service.clear();
  lookup l;
  if (auto started = l.start(host, service, options); !started) co_return started.error();
  while (!l.done()) {
    if (l.watch_error()) co_return l.watch_error();
    if (clock::now() >= deadline) co_return make_error_code(dns_errc::timed_out);
    const clock::time_point wake_at = l.next_timeout(deadline);
    if (l.has_poller()) {
      auto ready = co_await l.poller().readable().with_deadline(wake_at);
      if (!ready && ready.error() != errc::timed_out) co_return ready.error();
    } else {
      co_await sleep_until(wake_at);
    }
    l.process();
  }
  auto answer = l.take();
  if (answer && port) {
    for (socket_address& a : *answer) a = a.with_port(*port);
  }
  co_return answer;
}

}  // namespace kov::net
