#include "stats/pass_at_k.h"

#include <stdexcept>

namespace gpo::stats {

double passAtK(int64_t n, int64_t c, int64_t k) {
    if (k < 1 || k > n || c < 0 || c > n)
        throw std::invalid_argument("pass@k needs 1 <= k <= n and 0 <= c <= n");
    if (n - c < k) return 1.0; // every k-subset holds a right sample
    // C(n-c, k) / C(n, k) = prod_{i = n-c+1}^{n} (1 - k / i)
    double allWrong = 1.0;
    for (int64_t i = n - c + 1; i <= n; ++i)
        allWrong *= 1.0 - static_cast<double>(k) / static_cast<double>(i);
    return 1.0 - allWrong;
}

} // namespace gpo::stats
