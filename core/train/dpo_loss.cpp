#include "train/dpo_loss.h"

#include <stdexcept>

namespace gpo::train {

DpoLossType dpoLossType(const std::string& name) {
    if (name == "sigmoid") return DpoLossType::Sigmoid;
    if (name == "cdpo") return DpoLossType::Cdpo;
    if (name == "robust") return DpoLossType::Robust;
    if (name == "hinge") return DpoLossType::Hinge;
    if (name == "ipo") return DpoLossType::Ipo;
    if (name == "sigmoid_norm") return DpoLossType::SigmoidNorm;
    throw std::invalid_argument("unknown DPO loss_type '" + name +
                                "' (sigmoid, cdpo, robust, hinge, ipo, sigmoid_norm)");
}

std::string dpoLossName(DpoLossType type) {
    switch (type) {
    case DpoLossType::Sigmoid:
        return "sigmoid";
    case DpoLossType::Cdpo:
        return "cdpo";
    case DpoLossType::Robust:
        return "robust";
    case DpoLossType::Hinge:
        return "hinge";
    case DpoLossType::Ipo:
        return "ipo";
    case DpoLossType::SigmoidNorm:
        return "sigmoid_norm";
    }
    return "sigmoid";
}

PreferenceLoss dpoLoss(const SequenceScores& policyChosen, const SequenceScores& policyRejected,
                       const at::Tensor& refChosen, const at::Tensor& refRejected, const DpoOptions& o) {
    const double beta = o.beta, eps = o.labelSmoothing;
    const at::Tensor c = policyChosen.logps - refChosen;
    const at::Tensor r = policyRejected.logps - refRejected;
    const at::Tensor z = beta * (c - r);
    at::Tensor losses;
    switch (o.type) {
    case DpoLossType::Sigmoid:
        losses = -at::log_sigmoid(z);
        break;
    case DpoLossType::Cdpo:
        losses = -(1.0 - eps) * at::log_sigmoid(z) - eps * at::log_sigmoid(-z);
        break;
    case DpoLossType::Robust:
        if (eps < 0 || eps >= 0.5) throw std::invalid_argument("robust DPO needs 0 <= label_smoothing < 0.5");
        losses = (-(1.0 - eps) * at::log_sigmoid(z) + eps * at::log_sigmoid(-z)) / (1.0 - 2.0 * eps);
        break;
    case DpoLossType::Hinge:
        losses = at::relu(1.0 - z);
        break;
    case DpoLossType::Ipo: {
        const at::Tensor d =
            o.ipoNormalize ? c / policyChosen.tokens.clamp_min(1.0) - r / policyRejected.tokens.clamp_min(1.0)
                           : c - r;
        losses = (d - 1.0 / (2.0 * beta)).pow(2);
        break;
    }
    case DpoLossType::SigmoidNorm:
        losses = -at::log_sigmoid(
            beta * (c / policyChosen.tokens.clamp_min(1.0) - r / policyRejected.tokens.clamp_min(1.0)));
        break;
    }
    at::Tensor loss = losses.mean();
    if (o.rpoAlpha > 0) loss = loss + o.rpoAlpha * chosenNll(policyChosen);
    return {loss, (beta * c).detach(), (beta * r).detach()};
}

at::Tensor chosenNll(const SequenceScores& policyChosen) {
    return -policyChosen.logps.sum() / policyChosen.tokens.sum().clamp_min(1.0);
}

} // namespace gpo::train
