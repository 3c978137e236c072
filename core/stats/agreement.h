#pragma once
// How well critical-step picks agree with labels of the first wrong step (ProcessBench, PRM800K, the demo
// task's planted errors) or with people's picks. "No pick" and label -1 both mean "no wrong step".
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

struct Agreement {
    int64_t n = 0;
    double exact = 0;                        ///< the same step (or both "none")
    double within1 = 0;                      ///< at most one step apart (or both "none")
    int64_t withError = 0, withoutError = 0; ///< labels naming a step / saying none
    /// ProcessBench's F1: the harmonic mean of exact agreement on labels with an error and on labels
    /// without one; only when both kinds occur.
    std::optional<double> processbenchF1;
    nlohmann::json toJson() const;
};

Agreement agreement(const std::vector<PickAndLabel>& items);
/// The same over the trajectories that have both a pick (trajectory -> step) and a label.
Agreement agreement(const std::map<int64_t, std::optional<int>>& picks, const std::map<int64_t, int>& labels);

} // namespace gpo::stats
