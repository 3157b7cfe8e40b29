// once_cell: one initialiser, waiters woken, an aborted or failed initialiser handing over.

#include <kov/notify.hpp>
#include <kov/runtime.hpp>
#include <kov/sync/once_cell.hpp>

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace {

// An initialiser that waits for `go` before producing `v`, counting how often it started.
kov::task<std::string> slow_value(kov::event& go, int& started, std::string v) {
  ++started;
  co_await go.wait();
  co_return v;
}

kov::task<std::string> fetch(kov::once_cell<std::string>& cell, kov::event& go, int& started,
                             std::string v) {
  // Named: GCC 12 destroys a capturing lambda twice when it is a temporary inside co_await.
  auto init = [&go, &started, v] { return slow_value(go, started, v); };
  const std::string* got = co_await cell.get_or_init(init);
  co_return *got;
}

TEST(once_cell, one_initialiser_and_every_waiter_gets_its_value) {
  kov::runtime rt;
  int started = 0;
  auto body = [&]() -> kov::task<void> {
    kov::once_cell<std::string> cell;
    kov::event go;
    std::vector<kov::join_handle<std::string>> hs;
    for (int i = 0; i < 5; ++i)
      hs.push_back(kov::spawn(fetch(cell, go, started, std::to_string(i))));
    co_await kov::yield_now();
    EXPECT_EQ(cell.get(), nullptr);
    go.set();
    for (auto& h : hs) EXPECT_EQ((co_await h).value(), "0");
    EXPECT_EQ(*cell.get(), "0");
    EXPECT_FALSE(cell.set("other"));
    EXPECT_EQ((co_await fetch(cell, go, started, "late")), "0");  // set: no initialiser runs
  };
  rt.block_on(body());
  EXPECT_EQ(started, 1);
}

struct handover {
  int started = 0;               // initialisers that began
  std::vector<std::string> got;  // what the tasks not aborted got
};

// Tasks "first", "second" and "third" call get_or_init at once; "first" initialises and the
// first `aborted` of them are aborted back to back, before anyone else runs.
handover abort_first(int aborted) {
  kov::runtime rt;
  handover out;
  auto body = [&]() -> kov::task<void> {
    kov::once_cell<std::string> cell;
    kov::event go;
    std::vector<kov::join_handle<std::string>> hs;
    for (const char* name : {"first", "second", "third"}) {
      hs.push_back(kov::spawn(fetch(cell, go, out.started, name)));
    }
    co_await kov::yield_now();
    EXPECT_EQ(out.started, 1);
    for (int i = 0; i < aborted; ++i) hs[static_cast<std::size_t>(i)].abort();
    co_await kov::yield_now();
    go.set();
    for (std::size_t i = static_cast<std::size_t>(aborted); i < hs.size(); ++i) {
      out.got.push_back((co_await hs[i]).value());
    }
  };
  rt.block_on(body());
  return out;
}

TEST(once_cell, aborted_initialiser_hands_over_to_the_next_waiter) {
  const handover h = abort_first(1);  // `second` initialises next, `third` gets its value
  EXPECT_EQ(h.started, 2);
  EXPECT_EQ(h.got, (std::vector<std::string>{"second", "second"}));
}

TEST(once_cell, waiter_chosen_next_and_aborted_passes_the_turn_on) {
  const handover h = abort_first(2);  // `second` was chosen but aborted before it ran
  EXPECT_EQ(h.started, 2);
  EXPECT_EQ(h.got, (std::vector<std::string>{"third"}));
}

TEST(once_cell, failed_initialiser_rethrows_and_the_next_one_runs) {
  kov::runtime rt;
  auto body = [&]() -> kov::task<void> {
    kov::once_cell<int> cell;
    auto fail = []() -> kov::task<int> {
      co_await kov::yield_now();
      throw std::runtime_error("no");
    };
    auto ok = []() -> kov::task<int> { co_return 7; };
    EXPECT_THROW((void)co_await cell.get_or_init(fail), std::runtime_error);
    EXPECT_FALSE(cell.initialized());
    EXPECT_EQ(*co_await cell.get_or_init(ok), 7);
  };
  rt.block_on(body());
}

TEST(once_cell, set_wins_when_nobody_initialises) {
  kov::runtime rt;
  auto body = [&]() -> kov::task<void> {
    kov::once_cell<int> cell;
    EXPECT_TRUE(cell.set(3));
    EXPECT_FALSE(cell.set(4));
    auto never = []() -> kov::task<int> { co_return 9; };
    EXPECT_EQ(*co_await cell.get_or_init(never), 3);
  };
  rt.block_on(body());
}

}  // namespace
