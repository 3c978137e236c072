#pragma once
// SimPO, as TRL's CPO trainer computes it with loss_type "simpo" (TRL 0.29+, trl/experimental/cpo):
// reference-free, on the per-token mean log-probs a+ and a−,
//   L = mean(−(1−ε) log σ(β(a+ − a−) − γ) − ε log σ(−(β(a+ − a−) − γ))) + cpo_alpha · NLL,
// NLL being the chosen completions' cross-entropy averaged over all their tokens in the batch (TRL's
// nn.CrossEntropyLoss over the batch, not a mean of per-example means). cpo_alpha defaults to TRL's
// CPOConfig 1.0 ("CPO-SimPO"); 0 is pure SimPO, as the SimPO paper trains. Rewards: β·a±.
#include "train/preference_scores.h"

namespace gpo::train {

struct SimpoOptions {
    double beta = 0.1;  ///< TRL's CPOConfig default (the SimPO paper uses 2.0-2.5)
    double gamma = 0.5; ///< simpo_gamma, the target margin
    double labelSmoothing = 0.0;
    double cpoAlpha = 1.0; ///< weight of the chosen NLL (CPO's BC term; TRL's default)
};

struct SimpoLoss {
    PreferenceLoss preference;
    at::Tensor nll; ///< the chosen completions' token-mean NLL, logged as nll_loss (0 at cpo_alpha 0, as TRL)
};

SimpoLoss simpoLoss(const SequenceScores& chosen, const SequenceScores& rejected,
                    const SimpoOptions& options);

} // namespace gpo::train
