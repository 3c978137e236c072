#pragma once
// The built-in selectors (../DESIGN.md, "Critical step"). Ties go to the earliest step.
#include "mc/selector.h"

namespace gpo::mc {

/// argmax_h |A_h|: the step with the largest swing in outcome (the default).
class AbsAdvantageSelector final : public Selector {
public:
    std::string name() const override { return "abs-advantage"; }
    std::string description() const override;
    std::optional<int> pick(const TrajectoryValues& v, const SelectorOptions& o) const override;
};

/// argmax_h A_h.
class MaxAdvantageSelector final : public Selector {
public:
    std::string name() const override { return "max-advantage"; }
    std::string description() const override;
    std::optional<int> pick(const TrajectoryValues& v, const SelectorOptions& o) const override;
};

/// The first author's released training code: on a failed trajectory, reset at the prefix with the
/// highest value, scanning from the question and stopping at the first prefix whose value is 1.
class MaxValuePrefixSelector final : public Selector {
public:
    std::string name() const override { return "max-value-prefix"; }
    std::string description() const override;
    std::vector<int> wanted(const TrajectoryValues& v, const SelectorOptions& o) const override;
    std::optional<int> pick(const TrajectoryValues& v, const SelectorOptions& o) const override;
};

/// A uniformly random step (Satori-style; the paper's ablation baseline). Needs no rollouts.
class RandomSelector final : public Selector {
public:
    std::string name() const override { return "random"; }
    std::string description() const override;
    std::vector<int> wanted(const TrajectoryValues& v, const SelectorOptions& o) const override;
    std::optional<int> pick(const TrajectoryValues& v, const SelectorOptions& o) const override;
};

/// The first error: the first step after which the value is at or below the threshold (no pick when
/// the question itself is already lost, or no step loses it).
class ThresholdSelector final : public Selector {
public:
    std::string name() const override { return "threshold"; }
    std::string description() const override;
    std::optional<int> pick(const TrajectoryValues& v, const SelectorOptions& o) const override;
};

/// The same first error found by bisection on a failed trajectory (OmegaPRM): p_0 is good, p_H is bad,
/// and each midpoint's value halves the range, so it needs about log2(H) + 1 prefixes' rollouts.
class BinarySearchSelector final : public Selector {
public:
    std::string name() const override { return "binary-search"; }
    std::string description() const override;
    std::vector<int> wanted(const TrajectoryValues& v, const SelectorOptions& o) const override;
    std::optional<int> pick(const TrajectoryValues& v, const SelectorOptions& o) const override;
};

} // namespace gpo::mc
