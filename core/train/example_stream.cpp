#include "train/example_stream.h"

#include <cstddef>
#include <utility>

namespace gpo::train {
namespace {

uint64_t splitMix64(uint64_t& state) {
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

} // namespace

std::vector<int64_t> epochOrder(uint64_t seed, int64_t epoch, int64_t n) {
    std::vector<int64_t> order(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i)
        order[static_cast<size_t>(i)] = i;
    uint64_t state = seed * 0x100000001B3ull + static_cast<uint64_t>(epoch) + 1;
    for (int64_t i = n - 1; i > 0; --i) {
        const auto j = static_cast<int64_t>(splitMix64(state) % static_cast<uint64_t>(i + 1));
        std::swap(order[static_cast<size_t>(i)], order[static_cast<size_t>(j)]);
    }
    return order;
}

int64_t ExampleStream::at(int64_t position) {
    if (!shuffled_) return position % n_;
    const int64_t epoch = position / n_;
    if (epoch != epoch_) {
        order_ = epochOrder(seed_, epoch, n_);
        epoch_ = epoch;
    }
    return order_[static_cast<size_t>(position % n_)];
}

} // namespace gpo::train
