#pragma once
// The Wilson score interval of a binomial proportion: with K = 4 or 8 rollouts per prefix, the normal
// approximation's interval is useless (zero width at 0 and 1); Wilson's stays honest at the edges.
#include <cstdint>

namespace gpo::mc {

struct Interval {
    double low = 0, high = 0;
};

/// The interval for `successes` out of `n` at normal quantile `z` (1.96: 95%). n = 0 gives [0, 1].
Interval wilson(double successes, int64_t n, double z = 1.96);

} // namespace gpo::mc
