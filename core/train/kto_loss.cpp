#include "train/kto_loss.h"

namespace gpo::train {

at::Tensor ktoReferencePoint(const at::Tensor& mismatchedPolicy, const at::Tensor& mismatchedReference) {
    return (mismatchedPolicy - mismatchedReference).mean().clamp_min(0.0).detach();
}

KtoLoss ktoLoss(const at::Tensor& policy, const at::Tensor& reference, const at::Tensor& desirable,
                const at::Tensor& mismatchedPolicy, const at::Tensor& mismatchedReference,
                const KtoOptions& o) {
    const at::Tensor kl = ktoReferencePoint(mismatchedPolicy, mismatchedReference);
    const at::Tensor c = policy - reference;
    const at::Tensor good = desirable.to(at::kBool);
    const at::Tensor lossD = 1.0 - at::sigmoid(o.beta * (c - kl));
    const at::Tensor lossU = 1.0 - at::sigmoid(o.beta * (kl - c));
    const at::Tensor losses = at::where(good, o.desirableWeight * lossD, o.undesirableWeight * lossU);
    const at::Tensor rewards = (o.beta * c).detach();
    return {losses.mean(), kl, rewards.masked_select(good), rewards.masked_select(good.logical_not())};
}

} // namespace gpo::train
