#include "train/gae.h"

#include <algorithm>
#include <vector>

namespace gpo::train {

Gae generalizedAdvantages(const at::Tensor& rewards, const at::Tensor& values, const at::Tensor& mask,
                          double gamma, double lambda) {
    const at::Tensor m = mask.to(values.scalar_type());
    const at::Tensor r = rewards * m, v = values * m;
    const int64_t T = values.size(1);
    std::vector<at::Tensor> reversed;
    at::Tensor last = at::zeros({values.size(0)}, values.options());
    for (int64_t t = T - 1; t >= 0; --t) {
        const at::Tensor next = t + 1 < T ? v.select(1, t + 1) : at::zeros_like(last);
        const at::Tensor delta = r.select(1, t) + gamma * next - v.select(1, t);
        last = (delta + gamma * lambda * last) * m.select(1, t);
        reversed.push_back(last);
    }
    std::reverse(reversed.begin(), reversed.end());
    const at::Tensor advantages = at::stack(reversed, 1);
    return {advantages, (advantages + v) * m};
}

at::Tensor maskedWhiten(const at::Tensor& x, const at::Tensor& mask, bool shiftMean) {
    const at::Tensor m = mask.to(x.scalar_type());
    const at::Tensor n = m.sum();
    const at::Tensor mean = (x * m).sum() / n;
    const at::Tensor var = ((x - mean).pow(2) * m).sum() / (n - 1.0).clamp_min(1.0);
    at::Tensor out = (x - mean) * at::rsqrt(var + 1e-8);
    if (!shiftMean) out = out + mean;
    return out * m;
}

ValueLoss valueLoss(const at::Tensor& values, const at::Tensor& oldValues, const at::Tensor& returns,
                    const at::Tensor& mask, double clipRange) {
    const at::Tensor m = mask.to(values.scalar_type());
    const at::Tensor clipped = oldValues + at::clamp(values - oldValues, -clipRange, clipRange);
    const at::Tensor plain = (values - returns).pow(2), wide = (clipped - returns).pow(2);
    const at::Tensor n = m.sum().clamp_min(1.0);
    return {0.5 * (at::max(plain, wide) * m).sum() / n,
            (((wide > plain).to(m.scalar_type()) * m).sum() / n).detach()};
}

} // namespace gpo::train
