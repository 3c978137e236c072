#pragma once
// ORPO, as TRL 0.29+ defines it (trl/experimental/orpo): with a± the per-token mean log-probs of the
// completions,
//   log_odds = (a+ − a−) − (log(1 − e^{a+}) − log(1 − e^{a−})),
//   loss = NLL(chosen) − λ · mean(log σ(log_odds)),
// where TRL's NLL is the token mean over the whole chosen sequence, prompt included (the caller passes
// it). λ is TRL's `beta`. Rewards: λ·a±; also logged: log_odds_ratio and log_odds_chosen.
#include "train/preference_scores.h"

namespace gpo::train {

struct OrpoOptions {
    double lambda = 0.1;
};

struct OrpoLoss {
    PreferenceLoss preference;
    at::Tensor logOddsRatio;  ///< mean log σ(log_odds), detached
    at::Tensor logOddsChosen; ///< mean log_odds, detached
};

OrpoLoss orpoLoss(const SequenceScores& chosen, const SequenceScores& rejected, const at::Tensor& chosenNll,
                  const OrpoOptions& options);

/// log(1 − e^x) for x < 0, stable on both sides of −ln 2.
at::Tensor log1mexp(const at::Tensor& x);

} // namespace gpo::train
