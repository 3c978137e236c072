#include "mc/trajectory_values.h"

#include <stdexcept>
#include <string>

namespace gpo::mc {

TrajectoryValues TrajectoryValues::unknown(int64_t trajectoryId, int steps, bool correct) {
    TrajectoryValues v;
    v.trajectoryId = trajectoryId;
    v.steps = steps;
    v.correct = correct;
    v.prefix.resize(static_cast<size_t>(steps) + 1);
    const double r = correct ? 1.0 : 0.0;
    v.prefix.back() = PrefixValue{0, r, r, {r, r}};
    return v;
}

void TrajectoryValues::set(int h, int64_t k, double successes) {
    if (h < 0 || h >= steps || k <= 0)
        throw std::out_of_range("prefix " + std::to_string(h) + " of a trajectory with " +
                                std::to_string(steps) + " steps (k = " + std::to_string(k) + ")");
    prefix[static_cast<size_t>(h)] =
        PrefixValue{k, successes, successes / static_cast<double>(k), wilson(successes, k)};
}

std::optional<double> TrajectoryValues::value(int h) const {
    if (h < 0 || h > steps || !prefix[static_cast<size_t>(h)]) return std::nullopt;
    return prefix[static_cast<size_t>(h)]->value;
}

std::optional<double> TrajectoryValues::advantage(int h) const {
    const auto now = value(h), next = value(h + 1);
    if (!now || !next || h >= steps) return std::nullopt;
    return *next - *now;
}

std::vector<int> TrajectoryValues::missing() const {
    std::vector<int> out;
    for (int h = 0; h < steps; ++h)
        if (!prefix[static_cast<size_t>(h)]) out.push_back(h);
    return out;
}

} // namespace gpo::mc
