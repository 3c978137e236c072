#pragma once
// Percentile bootstrap: resampling as multiplicities (how often each item is drawn), so a statistic that is
// a weighted sum over items recomputes in one pass.
#include <cstdint>
#include <functional>
#include <optional>
#include <random>
#include <utility>
#include <vector>

namespace gpo::stats {

struct BootstrapOptions {
    int bootstrap = 1000; ///< resamples; 0: no intervals
    uint64_t seed = 1;
};

/// Percentile 95% intervals of several statistics of `items` items: `statistics(weight)` gives each
/// statistic on one resample (nothing where it is undefined there). One interval per statistic; nothing
/// where fewer than two resamples defined it, and nothing at all with options.bootstrap <= 0.
std::vector<std::optional<std::pair<double, double>>> bootstrapIntervals(
    size_t items, const BootstrapOptions& options,
    const std::function<std::vector<std::optional<double>>(const std::vector<double>&)>& statistics);

/// The same when items fall into a few classes that the statistics cannot tell apart (`counts[c]` items in
/// class c): a resample of all items is a multinomial draw of class counts, made with one binomial a class,
/// so the cost no longer grows with the number of items. `statistics(weight)` gets a weight per class.
std::vector<std::optional<std::pair<double, double>>> bootstrapClassIntervals(
    const std::vector<int64_t>& counts, const BootstrapOptions& options,
    const std::function<std::vector<std::optional<double>>(const std::vector<double>&)>& statistics);

/// Fills `weight` (one per item) with the multiplicities of a resample of as many items, with replacement.
void resampleWeights(std::mt19937_64& rng, std::vector<double>& weight);

/// The 2.5% and 97.5% percentiles of `draws` (linear interpolation); nothing with fewer than two draws.
std::optional<std::pair<double, double>> percentileInterval(std::vector<double> draws);

} // namespace gpo::stats
