// The task dump lists live tasks with their state and the await each frame is suspended at.

#include <kov/runtime.hpp>
#include <kov/time.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace {

using namespace std::chrono_literals;

kov::task<void> inner_wait() {
  co_await kov::sleep_for(1h);
}

kov::task<void> outer_wait() {
  co_await inner_wait();
}

TEST(dump, shows_state_name_and_suspension_points) {
  kov::runtime rt;
  auto body = []() -> kov::task<std::string> {
    auto h = kov::spawn(outer_wait(), "sleepy");
    co_await kov::yield_now();
    co_await kov::yield_now();
    const auto tasks = kov::dump_tasks();
    EXPECT_EQ(tasks.size(), 2u);  // this one (running) and the sleeper (idle)
    std::string found;
    for (const auto& t : tasks) {
      if (t.name != "sleepy") continue;
      EXPECT_EQ(t.state, "idle");
      EXPECT_EQ(t.suspended_at.size(), 2u);  // outer_wait -> inner_wait
      if (t.suspended_at.size() == 2) {
        EXPECT_NE(std::string(t.suspended_at[0].function).find("outer_wait"), std::string::npos);
        EXPECT_NE(std::string(t.suspended_at[1].function).find("inner_wait"), std::string::npos);
      }
      found = kov::format_task_dump({t});
    }
    h.abort();
    co_return found;
  };
  const std::string text = rt.block_on(body());
  EXPECT_NE(text.find("\"sleepy\" idle"), std::string::npos) << text;
  EXPECT_NE(text.find("dump_test.cpp"), std::string::npos) << text;
}

}  // namespace
