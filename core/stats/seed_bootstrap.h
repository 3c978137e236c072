#pragma once
// Means over seeds × items (pass@1 of several training seeds on the same held-out problems) with a 95%
// interval that carries both sources of noise: a two-level percentile bootstrap that resamples the seeds
// and, in each resample, the items (one draw of items shared by every seed, since every seed is evaluated
// on the same items). A paired difference of two methods is the same statistic of their differences.
#include "stats/bootstrap.h"

#include <optional>
#include <utility>
#include <vector>

namespace gpo::stats {

struct MeanInterval {
    double mean = 0;
    std::optional<std::pair<double, double>> interval; ///< 2.5% and 97.5% percentiles
};

/// `x[s][i]`: seed s, item i; every seed has the same items. Throws std::invalid_argument otherwise.
MeanInterval seedItemMean(const std::vector<std::vector<double>>& x, const BootstrapOptions& options = {});

} // namespace gpo::stats
