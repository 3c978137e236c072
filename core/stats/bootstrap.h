#pragma once
// Percentile bootstrap: resampling as multiplicities (how often each item is drawn), so a statistic that is
// a weighted sum over items recomputes in one pass.
#include <optional>
#include <random>
#include <utility>
#include <vector>

namespace gpo::stats {

/// Fills `weight` (one per item) with the multiplicities of a resample of as many items, with replacement.
void resampleWeights(std::mt19937_64& rng, std::vector<double>& weight);

/// The 2.5% and 97.5% percentiles of `draws` (linear interpolation); nothing with fewer than two draws.
std::optional<std::pair<double, double>> percentileInterval(std::vector<double> draws);

} // namespace gpo::stats
