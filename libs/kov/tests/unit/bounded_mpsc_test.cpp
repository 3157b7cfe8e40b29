// bounded_mpsc: backpressure, try_send, close from either side, FIFO wakes of waiting senders,
// an aborted waiting sender passing its wake on, senders on other threads; reserve's permits.

#include <kov/bounded_mpsc.hpp>
#include <kov/runtime.hpp>
#include <kov/time.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <numeric>
#include <string>
#include <thread>
#include <vector>

namespace {

using sender = kov::bounded_mpsc_sender<int>;
using receiver = kov::mpsc_receiver<int>;

kov::task<void> send_one(const sender& tx, int v, kov::result<void>* out = nullptr) {
  auto r = co_await tx.send(v);
  if (out != nullptr) *out = r;
}

// Receives everything until the channel closes.
kov::task<std::vector<int>> receive_all(receiver& rx) {
  std::vector<int> got;
  for (;;) {
    auto m = co_await rx.recv();
    if (!m) {
      co_return got;
    }
    got.push_back(*m);
  }
}

TEST(bounded_mpsc, send_waits_for_room_and_delivers_in_order) {
  kov::runtime rt;
  auto body = []() -> kov::task<void> {
    auto [tx, rx] = kov::bounded_mpsc<int>(2);
    int sent = 0;
    auto producer = [](sender t, int& n) -> kov::task<void> {
      for (int i = 0; i < 20; ++i) {
        EXPECT_TRUE((co_await t.send(i)).has_value());
        ++n;
      }
    };
    auto p = kov::spawn(producer(std::move(tx), sent));
    for (int i = 0; i < 5; ++i) {
      co_await kov::yield_now();
    }
    EXPECT_EQ(sent, 2);  // the capacity, then it waits
    auto got = co_await receive_all(rx);
    std::vector<int> want(20);
    std::iota(want.begin(), want.end(), 0);
    EXPECT_EQ(got, want);
    (void)co_await p;
  };
  rt.block_on(body());
}

TEST(bounded_mpsc, try_send_reports_full_and_leaves_the_value) {
  auto [tx, rx] = kov::bounded_mpsc<std::string>(1);
  std::string a = "first", b = "second";
  EXPECT_TRUE(tx.try_send(std::move(a)).has_value());
  EXPECT_EQ(tx.try_send(std::move(b)).error(), kov::errc::would_block);
  EXPECT_EQ(b, "second");  // NOLINT(bugprone-use-after-move): left untouched when full
  EXPECT_EQ(*rx.try_recv(), "first");
  EXPECT_TRUE(tx.try_send(std::move(b)).has_value());  // NOLINT(bugprone-use-after-move)
  rx.close();
  std::string c = "third";
  EXPECT_EQ(tx.try_send(std::move(c)).error(), kov::errc::closed);
  EXPECT_EQ(c, "third");  // NOLINT(bugprone-use-after-move): left untouched when closed
  EXPECT_EQ(*rx.try_recv(), "second");  // queued before the close: still delivered
}

TEST(bounded_mpsc, waiting_senders_get_room_in_fifo_order) {
  kov::runtime rt;
  auto body = []() -> kov::task<void> {
    auto [tx, rx] = kov::bounded_mpsc<int>(1);
    EXPECT_TRUE(tx.try_send(0).has_value());
    std::vector<kov::join_handle<void>> hs;
    for (int i = 1; i <= 5; ++i) {
      hs.push_back(kov::spawn(send_one(tx, i)));
      co_await kov::yield_now();  // each queues behind the previous one
    }
    std::vector<int> got;
    for (int i = 0; i <= 5; ++i) {
      got.push_back(*co_await rx.recv());
    }
    EXPECT_EQ(got, (std::vector<int>{0, 1, 2, 3, 4, 5}));
    for (auto& h : hs) {
      (void)co_await h;
    }
  };
  rt.block_on(body());
}

// Two senders wait on a full channel; the first is aborted after the freed slot woke it (its
// wake must pass to the second) or before (the slot's wake goes straight to the second).
void abort_first_waiting_sender(bool after_its_wake) {
  kov::runtime rt;
  auto body = [after_its_wake]() -> kov::task<void> {
    auto [tx, rx] = kov::bounded_mpsc<int>(1);
    EXPECT_TRUE(tx.try_send(0).has_value());
    auto first = kov::spawn(send_one(tx, 1));
    auto second = kov::spawn(send_one(tx, 2));
    co_await kov::yield_now();  // both queue up behind the full slot
    if (!after_its_wake) first.abort();
    EXPECT_EQ(*co_await rx.recv(), 0);  // the freed slot wakes the head of the queue...
    if (after_its_wake) first.abort();  // ...`first`, aborted before it ran: `second` gets it
    (void)co_await second;
    EXPECT_EQ(*co_await rx.recv(), 2);
    EXPECT_EQ(rx.try_recv().error(), kov::errc::would_block);  // 1 was dropped, never queued
  };
  rt.block_on(body());
}

TEST(bounded_mpsc, aborted_sender_passes_its_wake_on) {
  abort_first_waiting_sender(true);
}

TEST(bounded_mpsc, sender_aborted_before_its_wake_is_skipped) {
  abort_first_waiting_sender(false);
}

TEST(bounded_mpsc, receiver_close_wakes_waiting_senders_with_closed) {
  kov::runtime rt;
  auto body = []() -> kov::task<void> {
    auto [tx, rx] = kov::bounded_mpsc<int>(1);
    EXPECT_TRUE(tx.try_send(0).has_value());
    kov::result<void> r1, r2;
    auto a = kov::spawn(send_one(tx, 1, &r1));
    auto b = kov::spawn(send_one(tx, 2, &r2));
    co_await kov::yield_now();
    rx.close();
    (void)co_await a;
    (void)co_await b;
    EXPECT_EQ(r1.error(), kov::errc::closed);
    EXPECT_EQ(r2.error(), kov::errc::closed);
    EXPECT_EQ(*co_await rx.recv(), 0);  // what was queued is still delivered
    EXPECT_EQ((co_await rx.recv()).error(), kov::errc::closed);
  };
  rt.block_on(body());
}

TEST(bounded_mpsc, sender_close_ends_the_stream_after_the_queued_messages) {
  kov::runtime rt;
  auto body = []() -> kov::task<void> {
    auto [tx, rx] = kov::bounded_mpsc<int>(4);
    EXPECT_TRUE((co_await tx.send(1)).has_value());
    EXPECT_TRUE((co_await tx.send(2)).has_value());
    tx.close();
    EXPECT_TRUE(tx.is_closed());
    EXPECT_EQ((co_await tx.send(3)).error(), kov::errc::closed);
    auto got = co_await receive_all(rx);
    EXPECT_EQ(got, (std::vector<int>{1, 2}));
  };
  rt.block_on(body());
}

TEST(bounded_mpsc, dropped_receiver_fails_sends) {
  kov::runtime rt;
  auto body = []() -> kov::task<void> {
    auto [tx, rx] = kov::bounded_mpsc<int>(1);
    { auto gone = std::move(rx); }
    EXPECT_EQ((co_await tx.send(1)).error(), kov::errc::closed);
    EXPECT_EQ(tx.send_blocking(1).error(), kov::errc::closed);
  };
  rt.block_on(body());
}

// Threads block on a tiny ring while the receiving task drains it; a task sender waits beside
// them. Every message arrives exactly once, each sender's in order.
TEST(bounded_mpsc, thread_and_task_senders_share_a_tiny_ring) {
  constexpr int per_sender = 5000;
  kov::runtime rt;
  auto body = []() -> kov::task<void> {
    auto [tx, rx] = kov::bounded_mpsc<int>(2);
    std::vector<std::thread> threads;
    for (int t = 1; t <= 2; ++t) {
      threads.emplace_back([tx = tx, t] {
        for (int i = 0; i < per_sender; ++i) ASSERT_TRUE(tx.send_blocking(t * per_sender + i));
      });
    }
    auto task_sender = [](sender s) -> kov::task<void> {
      for (int i = 0; i < per_sender; ++i) EXPECT_TRUE((co_await s.send(i)).has_value());
    };
    auto h = kov::spawn(task_sender(std::move(tx)));
    int next[3] = {0, 0, 0};
    int total = 0;
    for (;;) {
      auto m = co_await rx.recv();
      if (!m) break;
      const int t = *m / per_sender;
      EXPECT_EQ(*m % per_sender, next[t]);
      ++next[t];
      ++total;
      if (total == 3 * per_sender) break;
    }
    EXPECT_EQ(total, 3 * per_sender);
    (void)co_await h;
    for (auto& th : threads) th.join();
  };
  rt.block_on(body());
}

using permit = kov::bounded_mpsc_permit<int>;

// Reserves a slot, then sends `v` through the permit (or drops it when `v` is negative).
kov::task<void> reserve_then(const sender& tx, int v) {
  auto p = co_await tx.reserve();
  EXPECT_TRUE(p.has_value());
  if (v >= 0) p->send(std::move(v));
}

TEST(bounded_mpsc, a_permit_holds_a_slot_until_used_or_dropped) {
  auto [tx, rx] = kov::bounded_mpsc<int>(2);
  auto p = tx.try_reserve();
  ASSERT_TRUE(p.has_value());
  EXPECT_TRUE(tx.try_send(1).has_value());
  EXPECT_EQ(tx.try_reserve().error(), kov::errc::would_block);  // the permit holds the other
  EXPECT_EQ(tx.try_send(2).error(), kov::errc::would_block);
  EXPECT_EQ(rx.try_recv().error(), kov::errc::would_block);  // stops at the permit's slot
  p->send(5);
  EXPECT_FALSE(static_cast<bool>(*p));  // used up
  EXPECT_EQ(*rx.try_recv(), 5);         // messages keep the order their slots were claimed
  EXPECT_EQ(*rx.try_recv(), 1);
  {
    auto dropped = tx.try_reserve();
    ASSERT_TRUE(dropped.has_value());
    EXPECT_TRUE(tx.try_send(3).has_value());
  }  // its slot becomes a hole the receiver skips
  EXPECT_EQ(*rx.try_recv(), 3);
  EXPECT_EQ(rx.try_recv().error(), kov::errc::would_block);
  EXPECT_TRUE(tx.try_send(4).has_value());  // both slots usable again
  EXPECT_TRUE(tx.try_send(6).has_value());
  EXPECT_EQ(tx.try_send(7).error(), kov::errc::would_block);
}

TEST(bounded_mpsc, a_dropped_permit_wakes_the_waiting_senders_in_fifo_order) {
  kov::runtime rt;
  auto body = []() -> kov::task<void> {
    auto [tx, rx] = kov::bounded_mpsc<int>(1);
    auto held = tx.try_reserve();
    EXPECT_TRUE(held.has_value());
    std::vector<kov::join_handle<void>> hs;
    hs.push_back(kov::spawn(send_one(tx, 1)));
    hs.push_back(kov::spawn(reserve_then(tx, 2)));
    hs.push_back(kov::spawn(send_one(tx, 3)));
    hs.push_back(kov::spawn(reserve_then(tx, -1)));  // reserves, then gives the slot back
    hs.push_back(kov::spawn(send_one(tx, 4)));
    for (int i = 0; i < 3; ++i) co_await kov::yield_now();  // all queue up behind the permit
    held->reset();
    std::vector<int> got;
    for (int i = 0; i < 4; ++i) got.push_back(*co_await rx.recv());
    EXPECT_EQ(got, (std::vector<int>{1, 2, 3, 4}));
    for (auto& h : hs) (void)co_await h;
    EXPECT_EQ(rx.try_recv().error(), kov::errc::would_block);
  };
  rt.block_on(body());
}

// An aborted reserver never strands capacity: aborted while waiting (woken or not), or aborted
// holding its permit.
TEST(bounded_mpsc, aborted_reservers_lose_no_permit) {
  kov::runtime rt;
  auto body = []() -> kov::task<void> {
    auto [tx, rx] = kov::bounded_mpsc<int>(1);
    EXPECT_TRUE(tx.try_send(0).has_value());
    auto woken_then_aborted = kov::spawn(reserve_then(tx, 1));
    auto never_woken = kov::spawn(reserve_then(tx, 2));
    auto waiting = kov::spawn(send_one(tx, 3));
    co_await kov::yield_now();
    never_woken.abort();
    EXPECT_EQ(*co_await rx.recv(), 0);  // wakes `woken_then_aborted`...
    woken_then_aborted.abort();         // ...which passes the wake on to `waiting`
    (void)co_await waiting;
    EXPECT_EQ(*co_await rx.recv(), 3);

    auto hold_forever = [](const sender& t) -> kov::task<void> {
      auto p = co_await t.reserve();
      EXPECT_TRUE(p.has_value());
      co_await kov::sleep_for(std::chrono::hours(1));
    };
    auto holder = kov::spawn(hold_forever(tx));
    co_await kov::yield_now();  // it holds the only slot
    auto after = kov::spawn(send_one(tx, 4));
    co_await kov::yield_now();
    EXPECT_EQ(tx.try_send(9).error(), kov::errc::would_block);
    holder.abort();  // its permit goes back: a hole the receiver skips, freeing the slot
    EXPECT_EQ(*co_await rx.recv(), 4);
    (void)co_await after;
  };
  rt.block_on(body());
}

TEST(bounded_mpsc, closing_while_permits_are_held_keeps_their_messages) {
  kov::runtime rt;
  auto body = []() -> kov::task<void> {
    auto [tx, rx] = kov::bounded_mpsc<int>(3);
    auto a = tx.try_reserve();
    auto b = tx.try_reserve();
    EXPECT_TRUE(a.has_value() && b.has_value());
    EXPECT_TRUE(tx.try_send(1).has_value());
    rx.close();
    EXPECT_EQ((co_await tx.reserve()).error(), kov::errc::closed);
    EXPECT_EQ(tx.try_reserve().error(), kov::errc::closed);
    auto late_send = [](permit p) -> kov::task<void> {
      co_await kov::yield_now();
      p.send(7);  // after the close: still cannot fail, and still delivered
    };
    auto h = kov::spawn(late_send(std::move(*a)));
    b->reset();
    auto got = co_await receive_all(rx);  // waits for the permit's message before closed
    EXPECT_EQ(got, (std::vector<int>{7, 1}));
    (void)co_await h;
  };
  rt.block_on(body());
}

// Threads reserve and either send through the permit or drop it, racing the receiving task;
// every sent message arrives exactly once and in each thread's order, dropped ones never.
TEST(bounded_mpsc, permits_from_threads_race_the_receiver) {
  constexpr int per_thread = 3000;
  kov::runtime rt;
  auto body = []() -> kov::task<void> {
    auto [tx, rx] = kov::bounded_mpsc<int>(2);
    std::vector<std::thread> threads;
    for (int t = 0; t < 2; ++t) {
      threads.emplace_back([tx = tx, t] {
        for (int i = 0; i < per_thread; ++i) {
          auto p = tx.try_reserve();
          while (!p) {
            std::this_thread::yield();
            p = tx.try_reserve();
          }
          if (i % 3 != 2) p->send(t * per_thread + i);  // every third permit is dropped
        }
      });
    }
    { auto last = std::move(tx); }  // the channel closes when both threads are done
    int next[2] = {0, 0};
    int total = 0;
    for (;;) {
      auto m = co_await rx.recv();
      if (!m) break;
      const int t = *m / per_thread;
      const int i = *m % per_thread;
      EXPECT_EQ(i, next[t]);
      next[t] = i % 3 == 1 ? i + 2 : i + 1;
      ++total;
    }
    EXPECT_EQ(total, 2 * (per_thread / 3 * 2));
    for (auto& th : threads) th.join();
  };
  rt.block_on(body());
}

}  // namespace
