#pragma once
// What the preference losses take: per example, the completion's log-probability under the policy and
// the reference, summed over completion tokens, and how many tokens it has. TRL's conventions (the
// version followed is TRL 0.29+, the snapshot of 1.10.0.dev0): summed log-probs for DPO and KTO, the
// per-token mean for SimPO and ORPO, which the losses derive from `logps / tokens` themselves.
#include <ATen/ATen.h>

namespace gpo::train {

struct SequenceScores {
    at::Tensor logps;  ///< [N] summed completion log-probs (differentiable for the policy)
    at::Tensor tokens; ///< [N] completion-token counts (float, >= 1)
    /// The per-token mean log-prob (SimPO, ORPO, length-normalised IPO).
    at::Tensor meanLogps() const { return logps / tokens.clamp_min(1.0); }
};

/// A preference loss's result: the batch loss (a scalar with gradient) and the implicit rewards per
/// pair (detached), from which the trainer logs rewards/chosen, rewards/rejected, rewards/margins and
/// rewards/accuracies as TRL does.
struct PreferenceLoss {
    at::Tensor loss;
    at::Tensor chosenRewards;   ///< [N]
    at::Tensor rejectedRewards; ///< [N]
};

} // namespace gpo::train
