#pragma once
// GRPO's learning from one graded micro-batch, as TRL's GRPOTrainer computes it with num_iterations 1:
// group-normalised advantages of the rewards (scale_rewards), the per-token log-probs at the sampling
// temperature, the clipped surrogate with the old log-probs equal to the current ones, a k3 KL to the
// reference when there is one, the loss type's token aggregation, and the backward pass. The trainer
// calls it for every micro-batch; test_reference calls it on TRL's fixed batch.
#include "train/completion_encoding.h"
#include "train/group_advantages.h"

#include <map>
#include <string>
#include <vector>

namespace gpo::model {
class Transformer;
}

namespace gpo::train {

struct TrainConfig;

struct GrpoStep {
    GroupAdvantages advantages;
    /// loss, reward, reward_std, frac_reward_zero_std, clip_ratio/{low,high,region}_mean and kl (NaN
    /// without a reference): TRL's names and definitions.
    std::map<std::string, double> metrics;
};

/// `encoded`: the completions of consecutive groups of `groupSizes`, with `rewards` in the same order;
/// `reference` may be null (beta 0). `dapoTokens`: the completion tokens of the whole generation batch
/// (TRL's num_items_in_batch). The gradient is scaled by `share` (1 / gradient_accumulation_steps).
GrpoStep grpoStep(model::Transformer& policy, model::Transformer* reference,
                  const std::vector<EncodedCompletion>& encoded, const std::vector<double>& rewards,
                  const std::vector<size_t>& groupSizes, double dapoTokens, const TrainConfig& config,
                  double share);

} // namespace gpo::train
