#pragma once
// KTO on unpaired completions, as TRL 0.29+ defines it (trl/trainer/kto_trainer.py, loss_type "kto"):
// with c = log πθ(y|x) − log πref(y|x) per example and the batch KL estimate
//   kl = max(0, mean over mismatched pairs of (log πθ − log πref))  (detached),
// a desirable example loses 1 − σ(β(c − kl)), an undesirable one 1 − σ(β(kl − c)); the batch loss is
// the mean of desirable_weight·L_D and undesirable_weight·L_U over all examples. The mismatched pairs
// are the batch's completions rotated by one (x1, y_n), (x2, y1), …, scored by the caller.
#include "train/preference_scores.h"

namespace gpo::train {

struct KtoOptions {
    double beta = 0.1;
    double desirableWeight = 1.0, undesirableWeight = 1.0;
};

struct KtoLoss {
    at::Tensor loss;
    at::Tensor kl;              ///< the detached reference point
    at::Tensor chosenRewards;   ///< β·c of the desirable examples
    at::Tensor rejectedRewards; ///< β·c of the undesirable ones
};

/// `policy`/`reference`: summed log-probs of each example; `desirable`: bool [N]; `mismatchedPolicy` and
/// `mismatchedReference`: those of the mismatched pairs (for the KL estimate).
KtoLoss ktoLoss(const at::Tensor& policy, const at::Tensor& reference, const at::Tensor& desirable,
                const at::Tensor& mismatchedPolicy, const at::Tensor& mismatchedReference,
                const KtoOptions& options);

/// The KL reference point alone: max(0, mean(policy − reference)), detached.
at::Tensor ktoReferencePoint(const at::Tensor& mismatchedPolicy, const at::Tensor& mismatchedReference);

} // namespace gpo::train
