#pragma once
// Spearman's rank correlation: Pearson's correlation of the ranks, ties sharing their average rank.
#include <optional>
#include <vector>

namespace gpo::stats {

/// Nothing when there are fewer than two pairs or either side does not vary.
std::optional<double> spearman(const std::vector<double>& x, const std::vector<double>& y);

/// 1-based ranks, ties given the mean of the ranks they span.
std::vector<double> averageRanks(const std::vector<double>& v);

} // namespace gpo::stats
