#include "base/bounded_parallel.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>

namespace dk {
namespace {

// Work that waits (as a DNS query does) until `bound` of them run at once, or for good when the
// bound would be exceeded: the peak shows how many ran together.
struct Gate {
    std::mutex mutex;
    std::condition_variable changed;
    int inside = 0;
    int peak = 0;
    int arrived = 0;
    void pass(int bound, int count) {
        std::unique_lock lock(mutex);
        ++inside;
        ++arrived;
        peak = std::max(peak, inside);
        changed.notify_all();
        // Every worker waits for a full house (or for the last stragglers), so the peak is the
        // bound whenever more work than that is queued.
        changed.wait(lock, [&] { return inside >= bound || arrived >= count; });
        --inside;
    }
};

TEST(BoundedParallel, EveryIndexOnceAndAtMostBoundAtATime) {
    constexpr int count = 100;
    constexpr int bound = 8;
    Gate gate;
    std::vector<std::atomic<int>> seen(count);
    for_each_bounded(count, bound, [&](std::size_t i) {
        ++seen[i];
        gate.pass(bound, count);
    });
    for (int i = 0; i < count; ++i) EXPECT_EQ(seen[i].load(), 1) << i;
    EXPECT_EQ(gate.peak, bound);  // they ran together, never more than the bound
}

TEST(BoundedParallel, FewerItemsThanTheBoundUseOneThreadEach) {
    Gate gate;
    for_each_bounded(3, 32, [&](std::size_t) { gate.pass(3, 3); });
    EXPECT_EQ(gate.peak, 3);
}

TEST(BoundedParallel, ABoundOfOneIsSequentialOnTheCallingThread) {
    const auto caller = std::this_thread::get_id();
    int calls = 0;
    for_each_bounded(5, 1, [&](std::size_t) {
        EXPECT_EQ(std::this_thread::get_id(), caller);
        ++calls;
    });
    EXPECT_EQ(calls, 5);
    for_each_bounded(0, 4, [&](std::size_t) { ++calls; });
    EXPECT_EQ(calls, 5);
}

}  // namespace
}  // namespace dk
