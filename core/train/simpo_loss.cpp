#include "train/simpo_loss.h"

namespace gpo::train {

PreferenceLoss simpoLoss(const SequenceScores& chosen, const SequenceScores& rejected,
                         const SimpoOptions& o) {
    const at::Tensor a = chosen.meanLogps(), b = rejected.meanLogps();
    const at::Tensor z = o.beta * (a - b) - o.gamma;
    at::Tensor losses =
        -(1.0 - o.labelSmoothing) * at::log_sigmoid(z) - o.labelSmoothing * at::log_sigmoid(-z);
    at::Tensor loss = losses.mean();
    if (o.cpoAlpha != 0.0) loss = loss + o.cpoAlpha * (-a).mean();
    return {loss, (o.beta * a).detach(), (o.beta * b).detach()};
}

} // namespace gpo::train
