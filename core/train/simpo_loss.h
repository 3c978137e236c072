#pragma once
// SimPO, as TRL's CPO trainer computes it with loss_type "simpo" and cpo_alpha 0 (TRL 0.29+,
// trl/experimental/cpo): reference-free, on the per-token mean log-probs a+ and a−,
//   L = −(1−ε) log σ(β(a+ − a−) − γ) − ε log σ(−(β(a+ − a−) − γ)),
// plus cpo_alpha times the chosen completion's token-mean NLL (0 for pure SimPO). Rewards: β·a±.
#include "train/preference_scores.h"

namespace gpo::train {

struct SimpoOptions {
    double beta = 0.1;  ///< TRL's CPOConfig default (the SimPO paper uses 2.0-2.5)
    double gamma = 0.5; ///< simpo_gamma, the target margin
    double labelSmoothing = 0.0;
    double cpoAlpha = 0.0; ///< weight of the chosen NLL (CPO's BC term)
};

PreferenceLoss simpoLoss(const SequenceScores& chosen, const SequenceScores& rejected,
                         const SimpoOptions& options);

} // namespace gpo::train
