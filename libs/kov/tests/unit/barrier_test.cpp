// barrier: one leader per generation, reuse, and aborted waiters withdrawing their arrival.

#include <kov/runtime.hpp>
#include <kov/sync/barrier.hpp>

#include <gtest/gtest.h>

#include <vector>

namespace {

kov::task<void> rounds(kov::barrier& b, int n, int& leaders, std::vector<int>& passed) {
  for (int r = 0; r < n; ++r) {
    if ((co_await b.wait()).is_leader()) ++leaders;
    passed.push_back(r);
  }
}

TEST(barrier, releases_all_with_one_leader_per_generation) {
  kov::runtime rt;
  int leaders = 0;
  std::vector<int> passed;
  auto body = [&]() -> kov::task<void> {
    kov::barrier b(4);
    std::vector<kov::join_handle<void>> hs;
    for (int i = 0; i < 4; ++i) hs.push_back(kov::spawn(rounds(b, 5, leaders, passed)));
    for (auto& h : hs) (void)co_await h;
    EXPECT_EQ(b.generation(), 5u);
    EXPECT_EQ(b.waiting(), 0u);
  };
  rt.block_on(body());
  EXPECT_EQ(leaders, 5);
  // Nobody passes round r + 1 before all four passed round r.
  ASSERT_EQ(passed.size(), 20u);
  for (std::size_t i = 0; i < passed.size(); ++i) EXPECT_EQ(passed[i], static_cast<int>(i / 4));
}

TEST(barrier, waits_until_n_have_arrived) {
  kov::runtime rt;
  auto body = [&]() -> kov::task<void> {
    kov::barrier b(3);
    auto one = [](kov::barrier& br) -> kov::task<bool> {
      co_return (co_await br.wait()).is_leader();
    };
    auto a = kov::spawn(one(b));
    auto c = kov::spawn(one(b));
    co_await kov::yield_now();
    EXPECT_EQ(b.waiting(), 2u);
    EXPECT_FALSE(a.is_finished());
    EXPECT_TRUE((co_await b.wait()).is_leader());  // the third arrival leads
    EXPECT_FALSE((co_await a).value());
    EXPECT_FALSE((co_await c).value());
  };
  rt.block_on(body());
}

TEST(barrier, aborted_waiter_withdraws_its_arrival) {
  kov::runtime rt;
  auto body = [&]() -> kov::task<void> {
    kov::barrier b(2);
    auto one = [](kov::barrier& br) -> kov::task<void> { (void)co_await br.wait(); };
    auto a = kov::spawn(one(b));
    co_await kov::yield_now();
    EXPECT_EQ(b.waiting(), 1u);
    a.abort();
    EXPECT_EQ(b.waiting(), 0u);
    auto c = kov::spawn(one(b));  // needs a partner again
    co_await kov::yield_now();
    EXPECT_FALSE(c.is_finished());
    EXPECT_TRUE((co_await b.wait()).is_leader());
    (void)co_await c;
    EXPECT_EQ(b.generation(), 1u);
  };
  rt.block_on(body());
}

TEST(barrier, zero_behaves_as_one) {
  kov::runtime rt;
  auto body = [&]() -> kov::task<void> {
    kov::barrier b(0);
    EXPECT_TRUE((co_await b.wait()).is_leader());
    EXPECT_TRUE((co_await b.wait()).is_leader());
  };
  rt.block_on(body());
}

}  // namespace
