// Waiting work (DNS queries, handshakes) spread over a bounded number of threads: the wall time
// of many round trips becomes about that of the slowest few, and the bound keeps the threads,
// sockets and the servers' load in check.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <functional>
#include <thread>
#include <vector>

namespace dk {

// work(i) for every i in [0, count), at most `bound` at a time (the calling thread is one of
// them); returns when all are done. work must be safe to run concurrently for distinct i.
inline void for_each_bounded(std::size_t count, std::size_t bound,
                             const std::function<void(std::size_t)>& work) {
    const std::size_t workers = std::min(count, std::max<std::size_t>(1, bound));
    std::atomic<std::size_t> next{0};
    auto run = [&] {
        for (std::size_t i = next++; i < count; i = next++) work(i);
    };
    std::vector<std::thread> helpers;
    for (std::size_t w = 1; w < workers; ++w) helpers.emplace_back(run);
    run();
    for (auto& t : helpers) t.join();
}

}  // namespace dk
