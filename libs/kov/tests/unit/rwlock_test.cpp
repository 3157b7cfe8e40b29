// rwlock: shared readers, exclusive writers, no writer starvation, cancel-safe waits.

#include <kov/notify.hpp>
#include <kov/runtime.hpp>
#include <kov/sync/rwlock.hpp>

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

TEST(rwlock, readers_share_and_writers_exclude) {
  kov::runtime rt;
  int readers_in = 0;
  int max_readers_in = 0;
  int writers_in = 0;
  bool overlap = false;
  auto reader = [&](kov::rwlock& l) -> kov::task<void> {
    auto g = co_await l.read();
    ++readers_in;
    max_readers_in = std::max(max_readers_in, readers_in);
    overlap = overlap || writers_in != 0;
    co_await kov::yield_now();
    --readers_in;
  };
  auto writer = [&](kov::rwlock& l) -> kov::task<void> {
    auto g = co_await l.write();
    ++writers_in;
    overlap = overlap || writers_in != 1 || readers_in != 0;
    co_await kov::yield_now();
    --writers_in;
  };
  auto body = [&]() -> kov::task<void> {
    kov::rwlock lock;
    std::vector<kov::join_handle<void>> hs;
    for (int i = 0; i < 30; ++i) {
      hs.push_back(kov::spawn(i % 5 == 4 ? writer(lock) : reader(lock)));
    }
    for (auto& h : hs) (void)co_await h;
    EXPECT_EQ(lock.readers(), 0u);
    EXPECT_FALSE(lock.is_write_locked());
  };
  rt.block_on(body());
  EXPECT_FALSE(overlap);
  EXPECT_EQ(max_readers_in, 4);  // the four readers between two writers hold it together
}

// A stream of readers, each holding the lock across a yield so the lock is never free of
// readers, while a new one arrives every turn. The writer must still get in, and no reader that
// arrived after it may go first.
TEST(rwlock, no_writer_starvation_under_a_stream_of_readers) {
  kov::runtime rt;
  std::vector<std::string> log;
  auto reader = [](kov::rwlock& l, std::vector<std::string>& out, int id) -> kov::task<void> {
    auto g = co_await l.read();
    out.push_back("r" + std::to_string(id));
    co_await kov::yield_now();
    co_await kov::yield_now();
  };
  auto writer = [](kov::rwlock& l, std::vector<std::string>& out) -> kov::task<void> {
    auto g = co_await l.write();
    out.push_back("w");
    co_await kov::yield_now();
  };
  auto body = [&]() -> kov::task<void> {
    kov::rwlock lock;
    std::vector<kov::join_handle<void>> hs;
    int writer_spawned_after = -1;
    for (int i = 0; i < 200; ++i) {
      hs.push_back(kov::spawn(reader(lock, log, i)));
      if (i == 50) {
        hs.push_back(kov::spawn(writer(lock, log)));
        writer_spawned_after = i;
      }
      co_await kov::yield_now();
    }
    for (auto& h : hs) (void)co_await h;
    // Everything before "w" is a reader that arrived before the writer.
    std::size_t w = 0;
    while (w < log.size() && log[w] != "w") ++w;
    EXPECT_LT(w, log.size());
    if (w == log.size()) co_return;
    EXPECT_EQ(w, static_cast<std::size_t>(writer_spawned_after + 1));
    for (std::size_t i = 0; i < w; ++i) EXPECT_EQ(log[i], "r" + std::to_string(i));
  };
  rt.block_on(body());
  EXPECT_EQ(log.size(), 201u);
}

TEST(rwlock, aborted_writer_waiting_lets_the_readers_behind_it_in) {
  kov::runtime rt;
  bool read_after = false;
  auto body = [&]() -> kov::task<void> {
    kov::rwlock lock;
    auto held = lock.try_read();
    EXPECT_TRUE(held.has_value());
    auto writer = [](kov::rwlock& l) -> kov::task<void> { auto g = co_await l.write(); };
    auto reader = [](kov::rwlock& l, bool& flag) -> kov::task<void> {
      auto g = co_await l.read();
      flag = true;
    };
    auto w = kov::spawn(writer(lock));
    auto r = kov::spawn(reader(lock, read_after));
    co_await kov::yield_now();
    EXPECT_FALSE(read_after);  // queued behind the writer
    EXPECT_FALSE(lock.try_read().has_value());
    w.abort();  // leaves the queue: the reader behind it is let in at once
    (void)co_await r;
    EXPECT_TRUE(read_after);
    EXPECT_EQ(lock.readers(), 1u);
  };
  rt.block_on(body());
}

TEST(rwlock, write_lock_handed_to_an_aborted_waiter_passes_on) {
  kov::runtime rt;
  int writes = 0;
  auto body = [&]() -> kov::task<void> {
    kov::rwlock lock;
    auto held = lock.try_write();
    EXPECT_TRUE(held.has_value());
    auto writer = [](kov::rwlock& l, int& n) -> kov::task<void> {
      auto g = co_await l.write();
      ++n;
    };
    auto first = kov::spawn(writer(lock, writes));
    auto second = kov::spawn(writer(lock, writes));
    co_await kov::yield_now();
    held->unlock();  // handed to `first`...
    first.abort();   // ...which never ran: the lock moves on
    (void)co_await second;
    EXPECT_EQ(writes, 1);
    EXPECT_FALSE(lock.is_write_locked());
    EXPECT_TRUE(lock.try_write().has_value());
  };
  rt.block_on(body());
}

}  // namespace
