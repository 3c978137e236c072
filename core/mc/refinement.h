#pragma once
// Where more rollouts pay: with small K two steps' advantages are often indistinguishable. These say
// which prefixes to give more rollouts so the estimates (and the picks) firm up.
#include "mc/trajectory_values.h"

#include <optional>
#include <vector>

namespace gpo::mc {

/// The range of A_h that the two values' Wilson intervals allow; nothing when either is unknown.
std::optional<Interval> advantageInterval(const TrajectoryValues& v, int h);

/// When the steps with the largest and second-largest |A_h| have overlapping |A| ranges, the prefixes on
/// both sides of each (h and h+1, except p_H, whose value is exact); else none.
std::vector<int> ambiguousPrefixes(const TrajectoryValues& v);

} // namespace gpo::mc
