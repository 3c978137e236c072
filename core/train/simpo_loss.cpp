#include "train/simpo_loss.h"

#include "train/dpo_loss.h"

namespace gpo::train {

SimpoLoss simpoLoss(const SequenceScores& chosen, const SequenceScores& rejected, const SimpoOptions& o) {
    const at::Tensor a = chosen.meanLogps(), b = rejected.meanLogps();
    const at::Tensor z = o.beta * (a - b) - o.gamma;
    at::Tensor losses =
        -(1.0 - o.labelSmoothing) * at::log_sigmoid(z) - o.labelSmoothing * at::log_sigmoid(-z);
    // As TRL, the term is not even computed (and logs as 0) when it has no weight.
    const at::Tensor nll = o.cpoAlpha != 0.0 ? chosenNll(chosen) : at::zeros({}, a.options());
    at::Tensor loss = losses.mean();
    if (o.cpoAlpha != 0.0) loss = loss + o.cpoAlpha * nll;
    return {{loss, (o.beta * a).detach(), (o.beta * b).detach()}, nll.detach()};
}

} // namespace gpo::train
