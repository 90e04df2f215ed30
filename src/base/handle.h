// One stateless deleter per C type, so a wrapper is pointer-sized (as bssl::UniquePtr).
#pragma once

#include <memory>

namespace dk {

template <auto FreeFn>
struct CDeleter {
    template <typename T>
    void operator()(T* p) const noexcept {
        if (p != nullptr) FreeFn(p);
    }
};

template <typename T, auto FreeFn>
using CHandle = std::unique_ptr<T, CDeleter<FreeFn>>;

}  // namespace dk
