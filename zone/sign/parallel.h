// Small helpers to spread work over the cores: chunks of an index range, and an ordered
// pipeline (chunks made in parallel, consumed in order, with a bounded number in flight).
#pragma once

#include <cstddef>
#include <functional>
#include <string>

namespace dk::zone::sign {

// The number of worker threads to use: `wanted`, or every core when 0.
unsigned worker_count(unsigned wanted);

// Calls work(begin, end) for consecutive chunks of [0, count) on `threads` threads.
void parallel_chunks(std::size_t count, std::size_t chunk, unsigned threads,
                     const std::function<void(std::size_t, std::size_t)>& work);

// make(i) for i in [0, count) on `threads` threads; consume(text) on the calling thread in
// index order. At most `window` made and not yet consumed. consume returning false stops.
void ordered_pipeline(std::size_t count, unsigned threads, std::size_t window,
                      const std::function<std::string(std::size_t)>& make,
                      const std::function<bool(std::string&)>& consume);

}  // namespace dk::zone::sign
