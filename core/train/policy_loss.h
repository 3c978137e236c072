#pragma once
// The clipped policy-gradient surrogate of PPO and GRPO, with the KL penalty to a reference, per token,
// as TRL 0.29+ computes them (trl/trainer/grpo_trainer.py _compute_loss):
//   ρ_t = exp(log πθ − log πold),  ℓ_t = −min(ρ_t A, clip(ρ_t, 1 − ε_low, 1 + ε_high) A) + β k_t,
// with the KL estimators k1 = θ − ref, k2 = (θ − ref)²/2, k3 = e^{ref−θ} − (ref − θ) − 1 (Schulman);
// TRL 1.x's GRPO multiplies k_t by ρ_t (use_bias_correction_kl, on by default; checked against TRL 1.16
// by test_reference).
// Token aggregation follows TRL's loss types: "grpo" (mean per sequence, then over sequences), "bnpo"
// (mean over the batch's tokens), "dr_grpo" (sum over B·max_completion_length), "dapo" (sum over the
// tokens of the whole generation batch, given by the caller; TRL's default).
#include <ATen/ATen.h>
#include <string>

namespace gpo::train {

enum class KlEstimator { K1, K2, K3 };
enum class TokenAggregation { Grpo, Bnpo, DrGrpo, Dapo };

KlEstimator klEstimator(const std::string& name);
TokenAggregation tokenAggregation(const std::string& name);

/// Per-token KL estimate between the policy's and the reference's log-probs of the sampled tokens.
at::Tensor klEstimate(const at::Tensor& logps, const at::Tensor& refLogps, KlEstimator estimator);

struct PolicyLossOptions {
    double epsilonLow = 0.2, epsilonHigh = 0.2;
    double beta = 0.0; ///< KL coefficient (TRL's GRPO default 0)
    KlEstimator kl = KlEstimator::K3;
    TokenAggregation aggregation = TokenAggregation::Dapo;
    int64_t maxCompletionLength = 0; ///< for dr_grpo
    double dapoTokens = 0;           ///< dapo: active tokens of the whole generation batch (0: this batch's)
    bool biasCorrectedKl = false;    ///< the KL term times ρ_t (TRL GRPO's use_bias_correction_kl)
};

struct PolicyLoss {
    at::Tensor loss;       ///< scalar with gradient
    at::Tensor klMean;     ///< token mean of the KL estimate (detached; 0 when beta is 0 and no ref)
    at::Tensor clipLow;    ///< share of tokens with ρ < 1 − ε_low and A < 0 (TRL clip_ratio/low_mean)
    at::Tensor clipHigh;   ///< share with ρ > 1 + ε_high and A > 0 (clip_ratio/high_mean)
    at::Tensor clipRegion; ///< their union (clip_ratio/region_mean)
};

/// `logps`, `oldLogps`, `refLogps` (may be undefined when beta is 0), `mask`: [B, T]; `advantages`: [B]
/// (one per sequence, as GRPO) or [B, T] (per token, as PPO with GAE).
PolicyLoss policyLoss(const at::Tensor& logps, const at::Tensor& oldLogps, const at::Tensor& refLogps,
                      const at::Tensor& advantages, const at::Tensor& mask, const PolicyLossOptions& options);

} // namespace gpo::train
