#include "train/policy_loss.h"

#include <stdexcept>

namespace gpo::train {

KlEstimator klEstimator(const std::string& name) {
    if (name == "k1") return KlEstimator::K1;
    if (name == "k2") return KlEstimator::K2;
    if (name == "k3") return KlEstimator::K3;
    throw std::invalid_argument("unknown kl_estimator '" + name + "' (k1, k2, k3)");
}

TokenAggregation tokenAggregation(const std::string& name) {
    if (name == "grpo") return TokenAggregation::Grpo;
    if (name == "bnpo") return TokenAggregation::Bnpo;
    if (name == "dr_grpo") return TokenAggregation::DrGrpo;
    if (name == "dapo") return TokenAggregation::Dapo;
    throw std::invalid_argument("unknown loss_type '" + name + "' (grpo, bnpo, dr_grpo, dapo)");
}

at::Tensor klEstimate(const at::Tensor& logps, const at::Tensor& refLogps, KlEstimator estimator) {
    const at::Tensor d = refLogps - logps;
    switch (estimator) {
    case KlEstimator::K1:
        return -d;
    case KlEstimator::K2:
        return 0.5 * d.pow(2);
    case KlEstimator::K3:
        return at::exp(d) - d - 1.0;
    }
    return -d;
}

PolicyLoss policyLoss(const at::Tensor& logps, const at::Tensor& oldLogps, const at::Tensor& refLogps,
                      const at::Tensor& advantages, const at::Tensor& mask, const PolicyLossOptions& o) {
    const at::Tensor m = mask.to(logps.scalar_type());
    const at::Tensor a = advantages.dim() == 1 ? advantages.unsqueeze(1).expand_as(logps) : advantages;
    const at::Tensor ratio = at::exp(logps - oldLogps);
    const at::Tensor clipped = at::clamp(ratio, 1.0 - o.epsilonLow, 1.0 + o.epsilonHigh);
    at::Tensor perToken = -at::min(ratio * a, clipped * a);
    at::Tensor klMean = at::zeros({}, logps.options());
    if (refLogps.defined()) {
        // Times ρ_t (1 in value when old = current) its gradient becomes the unbiased reverse-KL one.
        const at::Tensor k =
            o.biasCorrectedKl ? klEstimate(logps, refLogps, o.kl) * ratio : klEstimate(logps, refLogps, o.kl);
        if (o.beta != 0.0) perToken = perToken + o.beta * k;
        klMean = ((k * m).sum() / m.sum().clamp_min(1.0)).detach();
    }
    at::Tensor loss;
    const at::Tensor tokens = m.sum();
    switch (o.aggregation) {
    case TokenAggregation::Grpo:
        loss = ((perToken * m).sum(1) / m.sum(1).clamp_min(1.0)).mean();
        break;
    case TokenAggregation::Bnpo:
        loss = (perToken * m).sum() / tokens.clamp_min(1.0);
        break;
    case TokenAggregation::DrGrpo: {
        const int64_t length = o.maxCompletionLength > 0 ? o.maxCompletionLength : logps.size(1);
        loss = (perToken * m).sum() / static_cast<double>(logps.size(0) * length);
        break;
    }
    case TokenAggregation::Dapo:
        loss = o.dapoTokens > 0 ? (perToken * m).sum() / o.dapoTokens
                                : (perToken * m).sum() / tokens.clamp_min(1.0);
        break;
    }
    const at::Tensor low = (ratio < 1.0 - o.epsilonLow).logical_and(a < 0).to(m.scalar_type()) * m;
    const at::Tensor high = (ratio > 1.0 + o.epsilonHigh).logical_and(a > 0).to(m.scalar_type()) * m;
    const at::Tensor denom = tokens.clamp_min(1.0);
    return {loss, klMean, (low.sum() / denom).detach(), (high.sum() / denom).detach(),
            ((low + high).sum() / denom).detach()};
}

} // namespace gpo::train
