// Memory goes back to the allocator after a drain: live heap bytes are counted by replacing the
// global allocation functions in this test binary.
#include <flume_lock/channel.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <new>

namespace {
std::atomic<std::int64_t> live_bytes{0};

void* counted_alloc(std::size_t size, std::size_t align) {
  // Keep the size in front of the block so delete can subtract it.
  const std::size_t header = align > sizeof(std::size_t) ? align : sizeof(std::size_t);
  auto* base = static_cast<unsigned char*>(
      std::aligned_alloc(header, (size + 2 * header) / header * header));
  if (base == nullptr) throw std::bad_alloc();
  *reinterpret_cast<std::size_t*>(base) = size;
  *reinterpret_cast<std::size_t*>(base + header - sizeof(std::size_t)) = header;
  live_bytes += static_cast<std::int64_t>(size);
  return base + header;
}

void counted_free(void* p) noexcept {
  if (p == nullptr) return;
  auto* user = static_cast<unsigned char*>(p);
  const std::size_t header = *reinterpret_cast<std::size_t*>(user - sizeof(std::size_t));
  unsigned char* base = user - header;
  live_bytes -= static_cast<std::int64_t>(*reinterpret_cast<std::size_t*>(base));
  std::free(base);
}
}  // namespace

void* operator new(std::size_t n) {
  return counted_alloc(n, alignof(std::max_align_t));
}
void* operator new(std::size_t n, std::align_val_t a) {
  return counted_alloc(n, static_cast<std::size_t>(a));
}
void operator delete(void* p) noexcept {
  counted_free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  counted_free(p);
}
void operator delete(void* p, std::align_val_t) noexcept {
  counted_free(p);
}
void operator delete(void* p, std::size_t, std::align_val_t) noexcept {
  counted_free(p);
}

namespace {

TEST(Memory, UnboundedQueueShrinksAfterADrain) {
  auto [tx, rx] = flume_lock::channel<std::uint64_t>();
  const std::int64_t empty = live_bytes.load();
  constexpr std::uint64_t burst = 1'000'000;  // about a thousand segments
  for (std::uint64_t i = 0; i < burst; ++i) ASSERT_EQ(tx.send(i), flume_lock::status::ok);
  const std::int64_t peak = live_bytes.load();
  EXPECT_GT(peak - empty, static_cast<std::int64_t>(burst * sizeof(std::uint64_t)));

  std::uint64_t v = 0;
  for (std::uint64_t i = 0; i < burst; ++i) ASSERT_EQ(rx.try_recv(v), flume_lock::status::ok);
  const std::int64_t drained = live_bytes.load();
  // At most the live segment and a few recycled spares remain: under 1% of the peak.
  EXPECT_LT(drained - empty, (peak - empty) / 100) << "peak " << peak << " drained " << drained;

  // A second burst reuses the spares first and is drained the same way.
  for (std::uint64_t i = 0; i < burst; ++i) ASSERT_EQ(tx.send(i), flume_lock::status::ok);
  for (std::uint64_t i = 0; i < burst; ++i) ASSERT_EQ(rx.try_recv(v), flume_lock::status::ok);
  EXPECT_LT(live_bytes.load() - empty, (peak - empty) / 100);
}

}  // namespace
