#include "train/orpo_loss.h"

#include <cmath>

namespace gpo::train {

at::Tensor log1mexp(const at::Tensor& x) {
    // Mächler (2012): log(−expm1(x)) near 0, log1p(−exp(x)) far below it.
    return at::where(x > -std::log(2.0), at::log(-at::expm1(x)), at::log1p(-at::exp(x)));
}

OrpoLoss orpoLoss(const SequenceScores& chosen, const SequenceScores& rejected, const at::Tensor& chosenNll,
                  const OrpoOptions& o) {
    const at::Tensor a = chosen.meanLogps().to(at::kFloat), b = rejected.meanLogps().to(at::kFloat);
    const at::Tensor logOdds = (a - b) - (log1mexp(a) - log1mexp(b));
    const at::Tensor ratio = at::log_sigmoid(logOdds);
    const at::Tensor loss = chosenNll - o.lambda * ratio.mean();
    return {{loss, (o.lambda * a).detach(), (o.lambda * b).detach()},
            ratio.mean().detach(),
            logOdds.mean().detach()};
}

} // namespace gpo::train
