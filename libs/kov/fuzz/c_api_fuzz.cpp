// Fuzzes kov's C API (kov.h) with call sequences decoded from the input and checked against a
// model. The input is a script of calls (post, spawn, a timer due now, cancel, stop, run,
// misuse with null arguments); the program runs it from the top and, while kov_run runs, from
// inside the callbacks, which take the next calls of the script until a "return". The model
// knows what must happen: every call succeeds or fails as kov.h says, no callback runs inside
// the call that queued it, posted callbacks run in kov_post order and spawned ones in
// kov_spawn order, each exactly once; a one-shot timer fires once unless cancelled first, never
// after; kov_run inside a callback is -EBUSY; and once the script ends, running the loop
// drains everything that was queued.
#include <kov.h>

#include "fuzz_check.hpp"

#include <fuzzer/FuzzedDataProvider.h>

#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <deque>
#include <map>

namespace {

using kov_fuzz::require;

enum class call : std::uint8_t { post, spawn, timer, cancel, stop, run, misuse, ret, count };

struct model {
  FuzzedDataProvider* script = nullptr;
  kov_runtime* rt = nullptr;
  bool in_callback = false;
  bool in_call = false;  // inside a kov_* call that may queue a callback
  std::uintptr_t next_id = 1;
  std::deque<std::uintptr_t> posts;             // queued by kov_post, not run yet
  std::deque<std::uintptr_t> spawns;            // queued by kov_spawn, not run yet
  std::map<std::uintptr_t, kov_timer*> timers;  // one-shot timers not fired nor cancelled

  bool drained() const { return posts.empty() && spawns.empty() && timers.empty(); }
};

model* current = nullptr;  // the model of the input being run (callbacks find it here)

void run_script(bool from_callback);

void on_callback() {
  require(!current->in_call && !current->in_callback);
  current->in_callback = true;
  run_script(true);
  current->in_callback = false;
}

// A posted or spawned callback: it must be the oldest of its queue.
void take_turn(std::deque<std::uintptr_t>& queue, kov_runtime* rt, void* user) {
  require(rt == current->rt && !queue.empty() &&
          queue.front() == reinterpret_cast<std::uintptr_t>(user));
  queue.pop_front();
  on_callback();
}

void on_post(kov_runtime* rt, void* user) {
  take_turn(current->posts, rt, user);
}
void on_spawn(kov_runtime* rt, void* user) {
  take_turn(current->spawns, rt, user);
}

void on_timer(kov_timer* timer, void* user) {
  model& m = *current;
  const auto it = m.timers.find(reinterpret_cast<std::uintptr_t>(user));
  require(it != m.timers.end() && it->second == timer);
  m.timers.erase(it);  // a one-shot timer frees itself when this returns
  on_callback();
}

void run_loop_once(model& m) {
  kov_stop(m.rt);
  require(kov_run(m.rt) == 0);
}

void step(model& m, call c) {
  switch (c) {
    case call::post: {
      const std::uintptr_t id = m.next_id++;
      m.posts.push_back(id);
      m.in_call = true;
      require(kov_post(m.rt, on_post, reinterpret_cast<void*>(id)) == 0);
      m.in_call = false;
      break;
    }
    case call::spawn: {
      const std::uintptr_t id = m.next_id++;
      m.spawns.push_back(id);
      m.in_call = true;
      require(kov_spawn(m.rt, on_spawn, reinterpret_cast<void*>(id)) == 0);
      m.in_call = false;
      break;
    }
    case call::timer: {
      const std::uintptr_t id = m.next_id++;
      m.in_call = true;
      kov_timer* t = kov_timer_start(m.rt, 0, 0, on_timer, reinterpret_cast<void*>(id));
      m.in_call = false;
      require(t != nullptr);
      m.timers.emplace(id, t);
      break;
    }
    case call::cancel: {
      if (m.timers.empty()) break;
      auto it = m.timers.begin();
      std::advance(it, m.script->ConsumeIntegralInRange<std::size_t>(0, m.timers.size() - 1));
      kov_timer_cancel(it->second);
      m.timers.erase(it);
      break;
    }
    case call::stop:
      kov_stop(m.rt);
      break;
    case call::run:
      if (m.in_callback) {
        require(kov_run(m.rt) == -EBUSY);
      } else {
        run_loop_once(m);
      }
      break;
    case call::misuse:
      require(kov_post(nullptr, on_post, nullptr) == -EINVAL);
      require(kov_post(m.rt, nullptr, nullptr) == -EINVAL);
      require(kov_spawn(nullptr, on_spawn, nullptr) == -EINVAL);
      require(kov_spawn(m.rt, nullptr, nullptr) == -EINVAL);
      require(kov_timer_start(nullptr, 0, 0, on_timer, nullptr) == nullptr);
      require(kov_timer_start(m.rt, 0, 0, nullptr, nullptr) == nullptr);
      kov_timer_cancel(nullptr);
      require(kov_strerror(m.script->ConsumeIntegralInRange<int>(-5000, 5000)) != nullptr);
      break;
    case call::ret:
    case call::count:
      break;
  }
}

void run_script(bool from_callback) {
  model& m = *current;
  while (m.script->remaining_bytes() > 0) {
    const auto c = static_cast<call>(
        m.script->ConsumeIntegralInRange<int>(0, static_cast<int>(call::count) - 1));
    if (c == call::ret) {
      if (from_callback) return;
      continue;
    }
    step(m, c);
  }
}

}  // namespace

// NOLINTNEXTLINE(readability-identifier-naming): the name libFuzzer calls.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider script(data, size);
  model m;
  m.script = &script;
  m.rt = kov_runtime_new();
  require(m.rt != nullptr);
  current = &m;
  run_script(false);
  // Everything queued runs once the loop turns (a timer due now at the next 1 ms tick).
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!m.drained()) {
    require(std::chrono::steady_clock::now() < give_up);
    run_loop_once(m);
  }
  kov_runtime_free(m.rt);
  current = nullptr;
  return 0;
}
