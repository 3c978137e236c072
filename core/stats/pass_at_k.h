#pragma once
// pass@k from n samples of which c are right: the unbiased estimator of Chen et al. (2021),
// 1 - C(n-c, k) / C(n, k), computed as a product so that large n does not overflow.
#include <cstdint>

namespace gpo::stats {

/// Needs 1 <= k <= n and 0 <= c <= n; throws std::invalid_argument otherwise.
double passAtK(int64_t n, int64_t c, int64_t k);

} // namespace gpo::stats
