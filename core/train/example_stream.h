#pragma once
// The order a training run reads its examples (pairs, or prompts) in: position p of the stream is
// example epochOrder(seed, p / n)[p % n]. It depends on the seed and the epoch alone, so a resumed run
// reads exactly what an uninterrupted one does without storing any sampler state.
#include <cstdint>
#include <vector>

namespace gpo::train {

/// The order of `n` examples in epoch `epoch`: a Fisher-Yates shuffle driven by SplitMix64 from (seed,
/// epoch), the same on every platform and library.
std::vector<int64_t> epochOrder(uint64_t seed, int64_t epoch, int64_t n);

class ExampleStream {
public:
    /// `shuffled` false: every epoch reads 0, 1, …, n−1 (transformers' train_sampling_strategy
    /// "sequential").
    ExampleStream(uint64_t seed, int64_t n, bool shuffled = true) : seed_(seed), n_(n), shuffled_(shuffled) {}
    /// The example at stream position `position`; keeps one epoch's order at a time.
    int64_t at(int64_t position);

private:
    uint64_t seed_;
    int64_t n_;
    bool shuffled_;
    int64_t epoch_ = -1;
    std::vector<int64_t> order_;
};

} // namespace gpo::train
