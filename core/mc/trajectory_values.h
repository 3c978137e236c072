#pragma once
// The Monte Carlo values of one trajectory's prefixes, the advantages they give, and what selectors read.
// Prefix p_h is the question followed by steps 0 … h-1; p_H (H = the number of steps) is the whole
// trajectory, whose value is its own reward.
#include "mc/wilson.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace gpo::mc {

struct PrefixValue {
    int64_t k = 0;        ///< rollouts behind the estimate (0 for p_H: the trajectory's own reward)
    double successes = 0; ///< their summed reward
    double value = 0;     ///< successes / k
    Interval interval;    ///< Wilson interval (a point for p_H)
};

struct TrajectoryValues {
    int64_t trajectoryId = 0;
    int steps = 0;        ///< H
    bool correct = false; ///< the trajectory's reward: V(p_H)
    /// steps + 1 entries; an entry is empty until its prefix has all the rollouts it asks for.
    std::vector<std::optional<PrefixValue>> prefix;

    /// Values of a trajectory with H steps whose prefixes are all still unknown (p_H set from `correct`).
    static TrajectoryValues unknown(int64_t trajectoryId, int steps, bool correct);
    /// Sets prefix h < H from `successes` out of `k` rollouts.
    void set(int h, int64_t k, double successes);
    std::optional<double> value(int h) const;
    /// A_h = V(p_{h+1}) − V(p_h), when both are known.
    std::optional<double> advantage(int h) const;
    /// The prefixes h < H without a value.
    std::vector<int> missing() const;
};

} // namespace gpo::mc
