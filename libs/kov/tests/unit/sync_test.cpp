// mutex, semaphore, notify, event: fairness and cancel-safety.

#include <kov/mutex.hpp>
#include <kov/notify.hpp>
#include <kov/runtime.hpp>
#include <kov/semaphore.hpp>

#include <gtest/gtest.h>

#include <vector>

namespace {

TEST(mutex, excludes_and_is_fifo_fair) {
  kov::runtime rt;
  kov::mutex m;
  std::vector<int> order;
  int inside = 0;
  int max_inside = 0;
  auto worker = [](kov::mutex& mu, std::vector<int>& out, int& in, int& max_in,
                   int id) -> kov::task<void> {
    for (int round = 0; round < 3; ++round) {
      auto g = co_await mu.lock();
      ++in;
      max_in = std::max(max_in, in);
      out.push_back(id);
      co_await kov::yield_now();  // hold the lock across a suspension
      --in;
    }
  };
  auto body = [&]() -> kov::task<void> {
    auto a = kov::spawn(worker(m, order, inside, max_inside, 1));
    auto b = kov::spawn(worker(m, order, inside, max_inside, 2));
    auto c = kov::spawn(worker(m, order, inside, max_inside, 3));
    (void)co_await a;
    (void)co_await b;
    (void)co_await c;
  };
  rt.block_on(body());
  EXPECT_EQ(max_inside, 1);
  // Hand-off in arrival order: nobody re-takes the lock ahead of a waiter.
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3, 1, 2, 3, 1, 2, 3}));
  EXPECT_FALSE(m.is_locked());
}

TEST(mutex, aborted_waiter_passes_the_lock_on) {
  kov::runtime rt;
  kov::mutex m;
  bool third_got_it = false;
  auto waiter = [](kov::mutex& mu, bool* flag) -> kov::task<void> {
    auto g = co_await mu.lock();
    if (flag != nullptr) *flag = true;
  };
  auto body = [&]() -> kov::task<void> {
    auto held = m.try_lock();
    EXPECT_TRUE(held.has_value());
    auto second = kov::spawn(waiter(m, nullptr));
    auto third = kov::spawn(waiter(m, &third_got_it));
    co_await kov::yield_now();  // both queue up behind us
    held->unlock();             // handed to `second`...
    second.abort();             // ...which is aborted before it ran: the lock moves on
    (void)co_await third;
  };
  rt.block_on(body());
  EXPECT_TRUE(third_got_it);
  EXPECT_FALSE(m.is_locked());
}

TEST(semaphore, limits_concurrency_and_returns_permits) {
  kov::runtime rt;
  kov::semaphore sem(2);
  int inside = 0;
  int max_inside = 0;
  auto worker = [](kov::semaphore& s, int& in, int& max_in) -> kov::task<void> {
    auto p = co_await s.acquire();
    ++in;
    max_in = std::max(max_in, in);
    co_await kov::yield_now();
    co_await kov::yield_now();
    --in;
  };
  auto body = [&]() -> kov::task<void> {
    std::vector<kov::join_handle<void>> hs;
    for (int i = 0; i < 6; ++i) hs.push_back(kov::spawn(worker(sem, inside, max_inside)));
    for (auto& h : hs) (void)co_await h;
  };
  rt.block_on(body());
  EXPECT_EQ(max_inside, 2);
  EXPECT_EQ(sem.available_permits(), 2u);
}

TEST(semaphore, large_request_at_the_head_is_not_overtaken) {
  kov::runtime rt;
  kov::semaphore sem(1);
  std::vector<int> order;
  auto taker = [](kov::semaphore& s, std::vector<int>& out, int id,
                  std::size_t n) -> kov::task<void> {
    auto p = co_await s.acquire(n);
    out.push_back(id);
  };
  auto body = [&]() -> kov::task<void> {
    auto held = sem.try_acquire(1);
    auto big = kov::spawn(taker(sem, order, 1, 2));
    co_await kov::yield_now();
    auto small = kov::spawn(taker(sem, order, 2, 1));
    co_await kov::yield_now();
    sem.release(1);  // 1 free + 1 held: small would fit, but big is first in line
    co_await kov::yield_now();
    EXPECT_TRUE(order.empty());
    held.reset();
    (void)co_await big;
    (void)co_await small;
  };
  rt.block_on(body());
  EXPECT_EQ(order, (std::vector<int>{1, 2}));
}

TEST(notify, permit_is_stored_and_all_wakes_everyone) {
  kov::runtime rt;
  kov::notify n;
  int woken = 0;
  auto waiter = [](kov::notify& nt, int& w) -> kov::task<void> {
    co_await nt.notified();
    ++w;
  };
  auto body = [&]() -> kov::task<void> {
    n.notify_one();         // nobody waits: stored
    co_await n.notified();  // consumes the permit immediately
    auto a = kov::spawn(waiter(n, woken));
    auto b = kov::spawn(waiter(n, woken));
    co_await kov::yield_now();
    EXPECT_EQ(woken, 0);
    n.notify_all();
    (void)co_await a;
    (void)co_await b;
  };
  rt.block_on(body());
  EXPECT_EQ(woken, 2);
}

TEST(notify, abandoned_notification_passes_on) {
  kov::runtime rt;
  kov::notify n;
  bool second_woke = false;
  auto waiter = [](kov::notify& nt, bool* flag) -> kov::task<void> {
    co_await nt.notified();
    if (flag != nullptr) *flag = true;
  };
  auto body = [&]() -> kov::task<void> {
    auto first = kov::spawn(waiter(n, nullptr));
    auto second = kov::spawn(waiter(n, &second_woke));
    co_await kov::yield_now();
    n.notify_one();  // granted to `first`...
    first.abort();   // ...which never consumes it
    (void)co_await second;
  };
  rt.block_on(body());
  EXPECT_TRUE(second_woke);
}

TEST(event, set_releases_waiters_until_reset) {
  kov::runtime rt;
  kov::event ev;
  int passed = 0;
  auto waiter = [](kov::event& e, int& p) -> kov::task<void> {
    co_await e.wait();
    ++p;
  };
  auto body = [&]() -> kov::task<void> {
    auto a = kov::spawn(waiter(ev, passed));
    co_await kov::yield_now();
    EXPECT_EQ(passed, 0);
    ev.set();
    (void)co_await a;
    co_await ev.wait();  // still set: immediate
    ev.reset();
    EXPECT_FALSE(ev.is_set());
  };
  rt.block_on(body());
  EXPECT_EQ(passed, 1);
}

}  // namespace
