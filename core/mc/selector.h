#pragma once
// A critical-step selector: picks a trajectory's critical step from its prefixes' MC values. Selectors
// are registered by plugins like readers and verifiers; the built-in ones are in mc/selectors.h.
//
// A selector also says which prefixes it still needs (`wanted`). The analysis rolls those out, updates
// the values and asks again, until no selector of the run wants more: a full scan wants every prefix at
// once, a binary search one midpoint at a time, so a run of only `binary-search` spends O(K log H).
#include "mc/trajectory_values.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace gpo::mc {

struct SelectorOptions {
    /// A prefix counts as lost when its value is at or below this (threshold, binary-search).
    double threshold = 0.0;
    uint64_t seed = 0; ///< for random picks
};

class Selector {
public:
    virtual ~Selector() = default;
    virtual std::string name() const = 0;
    virtual std::string description() const = 0;
    /// Prefixes (h < H) whose values it needs and `v` lacks; empty once it can pick. Default: all missing.
    virtual std::vector<int> wanted(const TrajectoryValues& v, const SelectorOptions& o) const;
    /// The critical step (0 … H-1), or nothing: no step stands out, or the trajectory has no error.
    virtual std::optional<int> pick(const TrajectoryValues& v, const SelectorOptions& o) const = 0;
};

} // namespace gpo::mc
