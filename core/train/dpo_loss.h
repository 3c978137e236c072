#pragma once
// DPO and its variants on paired completions, as TRL 0.29+ defines them (trl/trainer/dpo_trainer.py).
// With c = log πθ(y+|x) − log πref(y+|x), r = the same for y−, Δ = c − r:
//   sigmoid (default)  −log σ(βΔ)
//   cdpo               −(1−ε) log σ(βΔ) − ε log σ(−βΔ): TRL ≤ 0.28's sigmoid with label_smoothing, OpenRLHF's
//   robust             [−(1−ε) log σ(βΔ) + ε log σ(−βΔ)] / (1 − 2ε)
//   hinge              relu(1 − βΔ)
//   ipo                (c/L+ − r/L− − 1/(2β))², TRL's length-normalised form; with ipo_normalize false,
//                      OpenRLHF's (Δ − 1/(2β))² on summed log-probs
//   sigmoid_norm       −log σ(β(c/L+ − r/L−))
// The batch loss is the mean over pairs; rewards are β·c and β·r. With rpo_alpha α > 0 (RPO, Pang et al.
// 2024: TRL ≤ 0.28's rpo_alpha, TRL 0.29+'s loss_type ["sigmoid", "sft"] with weights [1, α]) the loss adds
// α times the chosen completions' negative log-likelihood, a mean over all their tokens.
#include "train/preference_scores.h"

#include <string>

namespace gpo::train {

enum class DpoLossType { Sigmoid, Cdpo, Robust, Hinge, Ipo, SigmoidNorm };

struct DpoOptions {
    double beta = 0.1;
    DpoLossType type = DpoLossType::Sigmoid;
    double labelSmoothing = 0.0; ///< ε of cdpo and robust (TRL ≥ 0.29 ignores it for sigmoid)
    bool ipoNormalize = true;    ///< TRL's per-token IPO; false: OpenRLHF's summed form
    double rpoAlpha = 0.0;       ///< weight of the chosen NLL (0: plain DPO)
};

/// The chosen completions' negative log-likelihood per token: −Σ logps / Σ tokens (with gradient).
at::Tensor chosenNll(const SequenceScores& policyChosen);

/// Parses a loss_type name (sigmoid, cdpo, robust, hinge, ipo, sigmoid_norm); throws naming the choices.
DpoLossType dpoLossType(const std::string& name);
std::string dpoLossName(DpoLossType type);

PreferenceLoss dpoLoss(const SequenceScores& policyChosen, const SequenceScores& policyRejected,
                       const at::Tensor& refChosen, const at::Tensor& refRejected, const DpoOptions& options);

} // namespace gpo::train
