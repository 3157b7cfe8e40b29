// The C API's DNS lookup: kov_resolve, a task that awaits kov::net::resolve and calls back
// with the addresses as text.

#include <kov/net/dns.hpp>

#include "c_api.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace {

using resolve_cb = void (*)(int, const char* const*, size_t, void*);

// Safety: a task of rt's runtime never outlives rt (~kov_runtime destroys every frame), and
// `cb` runs from this task, on the runtime thread.
kov::task<void> resolve_op(std::string host, std::string service, kov::net::resolve_options options,
                           resolve_cb cb, void* user) {
  auto addrs = co_await kov::net::resolve(host, service, options);
  if (!addrs) {
    cb(-kov::c_api::errno_of(addrs.error()), nullptr, 0, user);
    co_return;
  }
  std::vector<std::string> texts;
  std::vector<const char*> pointers;
  try {
    texts.reserve(addrs->size());
    pointers.reserve(addrs->size());
    for (const auto& a : *addrs) texts.push_back(a.to_string());
    for (const auto& t : texts) pointers.push_back(t.c_str());
  } catch (const std::bad_alloc&) {
    cb(-ENOMEM, nullptr, 0, user);
    co_return;
  }
  cb(0, pointers.data(), pointers.size(), user);
}

}  // namespace

extern "C" {

int kov_resolve(kov_runtime* rt, const char* host, const char* service, uint64_t timeout_ms,
                void (*cb)(int, const char* const*, size_t, void*), void* user) {
  if (rt == nullptr || host == nullptr || cb == nullptr) return -EINVAL;
  if (!kov::c_api::on_runtime_thread(*rt)) return -EPERM;
  return kov::c_api::guarded([&] {
    kov::net::resolve_options options;
    if (timeout_ms > 0) options.timeout = kov::c_api::timeout_of(timeout_ms);
    rt->core
        ->spawn(resolve_op(host, service != nullptr ? service : "", options, cb, user),
                "kov_resolve")
        .detach();
    return 0;
  });
}

}  // extern "C"
