#pragma once
// For tests of error paths: runs `f` and returns the exception of type E it threw, or nothing.
#include <optional>

template <class E, class F> std::optional<E> thrown(F&& f) {
    try {
        f();
    } catch (const E& e) {
        return e;
    }
    return std::nullopt;
}
