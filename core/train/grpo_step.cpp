#include "train/grpo_step.h"

#include "train/completion_scores.h"
#include "train/policy_loss.h"
#include "train/train_config.h"

#include <c10/core/InferenceMode.h>
#include <cmath>

namespace gpo::train {

GrpoStep grpoStep(model::Transformer& policy, model::Transformer* reference,
                  const std::vector<EncodedCompletion>& encoded, const std::vector<double>& rewards,
                  const std::vector<size_t>& groupSizes, double dapoTokens, const TrainConfig& c,
                  double share) {
    GrpoStep out;
    out.advantages = groupAdvantages(rewards, groupSizes, advantageScale(c.scaleRewards));
    PolicyLossOptions options;
    options.epsilonLow = c.epsilon;
    options.epsilonHigh = c.epsilonHigh >= 0 ? c.epsilonHigh : c.epsilon;
    options.beta = c.beta;
    options.aggregation = tokenAggregation(c.lossType);
    options.maxCompletionLength = c.maxCompletionLength;
    options.dapoTokens = dapoTokens;
    options.biasCorrectedKl = c.useBiasCorrectionKl;

    const CompletionLogprobs lp = completionLogprobs(policy, encoded, c.temperature);
    const at::Tensor logps = lp.perToken.to(at::kDouble);
    at::Tensor refLogps;
    if (reference) {
        c10::InferenceMode inference;
        refLogps = completionLogprobs(*reference, encoded, c.temperature).perToken.to(at::kDouble).clone();
    }
    const at::Tensor advantages = at::tensor(out.advantages.advantages, at::kDouble);
    const PolicyLoss loss = policyLoss(logps, logps.detach(), refLogps, advantages, lp.mask, options);
    (loss.loss * share).backward();
    out.metrics = {{"loss", loss.loss.item<double>()},
                   {"reward", out.advantages.rewardMean},
                   {"reward_std", out.advantages.rewardStd},
                   {"frac_reward_zero_std", out.advantages.fracZeroStd},
                   {"clip_ratio/low_mean", loss.clipLow.item<double>()},
                   {"clip_ratio/high_mean", loss.clipHigh.item<double>()},
                   {"clip_ratio/region_mean", loss.clipRegion.item<double>()},
                   {"kl", reference ? loss.klMean.item<double>() : std::nan("")}};
    return out;
}

} // namespace gpo::train
