#include "zone/sign/parallel.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace dk::zone::sign {

unsigned worker_count(unsigned wanted) {
    if (wanted > 0) return wanted;
    return std::max(1u, std::thread::hardware_concurrency());
}

void parallel_chunks(std::size_t count, std::size_t chunk, unsigned threads,
                     const std::function<void(std::size_t, std::size_t)>& work) {
    chunk = std::max<std::size_t>(1, chunk);
    const std::size_t chunks = (count + chunk - 1) / chunk;
    std::atomic<std::size_t> next{0};
    auto run = [&] {
        for (std::size_t c = next++; c < chunks; c = next++)
            work(c * chunk, std::min(count, (c + 1) * chunk));
    };
    const std::size_t helpers =
        std::min<std::size_t>(threads, chunks) > 0 ? std::min<std::size_t>(threads, chunks) - 1 : 0;
    std::vector<std::thread> pool;
    for (std::size_t i = 0; i < helpers; ++i) pool.emplace_back(run);
    run();
    for (auto& t : pool) t.join();
}

void ordered_pipeline(std::size_t count, unsigned threads, std::size_t window,
                      const std::function<std::string(std::size_t)>& make,
                      const std::function<bool(std::string&)>& consume) {
    std::vector<std::optional<std::string>> slots(count);
    std::mutex mutex;
    std::condition_variable changed;
    std::size_t consumed = 0;
    std::size_t next = 0;
    bool stop = false;
    auto worker = [&] {
        while (true) {
            std::size_t i = 0;
            {
                std::unique_lock lock(mutex);
                changed.wait(lock,
                             [&] { return stop || next >= count || next < consumed + window; });
                if (stop || next >= count) return;
                i = next++;
            }
            std::string text = make(i);
            {
                std::lock_guard lock(mutex);
                slots[i] = std::move(text);
            }
            changed.notify_all();
        }
    };
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < std::max(1u, threads); ++t) pool.emplace_back(worker);
    for (std::size_t i = 0; i < count && !stop; ++i) {
        std::string text;
        {
            std::unique_lock lock(mutex);
            changed.wait(lock, [&] { return slots[i].has_value(); });
            text = std::move(*slots[i]);
            slots[i].reset();
        }
        const bool go_on = consume(text);
        {
            std::lock_guard lock(mutex);
            consumed = i + 1;
            stop = !go_on;
        }
        changed.notify_all();
    }
    {
        std::lock_guard lock(mutex);
        stop = true;
    }
    changed.notify_all();
    for (auto& t : pool) t.join();
}

}  // namespace dk::zone::sign
