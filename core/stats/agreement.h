#pragma once
// How well critical-step picks agree with labels of the first wrong step (ProcessBench, PRM800K, the demo
// task's planted errors) or with people's picks. "No pick" and label -1 both mean "no wrong step".
#include "stats/bootstrap.h"

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

namespace gpo::stats {

struct PickAndLabel {
    std::optional<int> pick; ///< nothing: the selector found no wrong step
    int label = -1;          ///< the labelled step; -1: none
};

/// A share with its 95% percentile bootstrap interval (over items).
struct Share {
    double value = 0;
    std::optional<double> low, high;
};

struct Agreement {
    int64_t n = 0;
    Share exact;                             ///< the same step (or both "none")
    Share within1, within2;                  ///< at most one / two steps apart (or both "none")
    int64_t withError = 0, withoutError = 0; ///< labels naming a step / saying none
    /// ProcessBench's F1: the harmonic mean of exact agreement on labels with an error and on labels
    /// without one; only when both kinds occur.
    std::optional<Share> processbenchF1;
    /// Over items where both name a step: label - pick (for people's labels, human - model).
    int64_t offsets = 0;
    std::optional<double> meanAbsOffset, meanOffset;
    std::map<int, int64_t> offsetHistogram;
    nlohmann::json toJson() const;
};

/// Intervals resample items.
Agreement agreement(const std::vector<PickAndLabel>& items, const BootstrapOptions& options = {});
/// Intervals resample clusters: `clusters[i]` names item i's (e.g. several people's answers to one
/// trajectory, which are not independent); empty: each item is its own.
Agreement agreement(const std::vector<PickAndLabel>& items, const std::vector<int64_t>& clusters,
                    const BootstrapOptions& options);
/// The same over the trajectories that have both a pick (trajectory -> step) and a label.
Agreement agreement(const std::map<int64_t, std::optional<int>>& picks, const std::map<int64_t, int>& labels,
                    const BootstrapOptions& options = {});

} // namespace gpo::stats
