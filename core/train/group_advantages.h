#pragma once
// GRPO's advantages: each completion's reward against the other completions of its prompt.
// TRL 0.29+ (scale_rewards "group", the default): A_i = (R_i − mean_g) / (std_g + 1e-4), std with
// Bessel's correction; a group of one has no spread (TRL: std NaN → advantage 0). "none" (Dr. GRPO):
// A_i = R_i − mean_g. "batch": the std of the whole batch. RLOO: R_i − mean of the others.
#include <string>
#include <vector>

namespace gpo::train {

enum class AdvantageScale { Group, Batch, None, Rloo };

AdvantageScale advantageScale(const std::string& name);

struct GroupAdvantages {
    std::vector<double> advantages;       ///< one per completion, in the given order
    double rewardMean = 0, rewardStd = 0; ///< over the whole batch (TRL's `reward`, `reward_std`)
    double fracZeroStd =
        0; ///< share of completions whose scaling std is 0 (the group's; "batch": the batch's)
};

/// `rewards` holds consecutive groups of `groupSize` completions.
GroupAdvantages groupAdvantages(const std::vector<double>& rewards, int groupSize,
                                AdvantageScale scale = AdvantageScale::Group, double epsilon = 1e-4);

/// The same for consecutive groups of the given sizes (online GPO adds its reset samples to the group of
/// their prompt, so groups differ in size).
GroupAdvantages groupAdvantages(const std::vector<double>& rewards, const std::vector<size_t>& groupSizes,
                                AdvantageScale scale = AdvantageScale::Group, double epsilon = 1e-4);

} // namespace gpo::train
