#pragma once
// PPO's advantages and value loss, as TRL 0.29+ computes them (trl/experimental/ppo):
//   δ_t = r_t + γ V_{t+1} − V_t (V past the end = 0),  A_t = δ_t + γλ A_{t+1},  returns = A + V;
// advantages are then whitened over the valid tokens, (A − mean) / sqrt(var_unbiased + 1e-8). The value
// loss is 0.5 · masked_mean(max((V − R)², (clip(V, V_old ± cliprange_value) − R)²)).
#include <ATen/ATen.h>

namespace gpo::train {

struct Gae {
    at::Tensor advantages; ///< [B, T], zero where mask is 0
    at::Tensor returns;    ///< [B, T]
};

/// `rewards`, `values`, `mask`: [B, T] (mask: the response tokens, a prefix of each row).
Gae generalizedAdvantages(const at::Tensor& rewards, const at::Tensor& values, const at::Tensor& mask,
                          double gamma = 1.0, double lambda = 0.95);

/// (x − mean) / sqrt(var + 1e-8) over the masked entries (unbiased variance), as TRL's masked_whiten.
at::Tensor maskedWhiten(const at::Tensor& x, const at::Tensor& mask, bool shiftMean = true);

struct ValueLoss {
    at::Tensor loss;     ///< scalar with gradient
    at::Tensor clipFrac; ///< share of tokens where the clipped term is the larger (val/clipfrac_avg)
};

ValueLoss valueLoss(const at::Tensor& values, const at::Tensor& oldValues, const at::Tensor& returns,
                    const at::Tensor& mask, double clipRange = 0.2);

} // namespace gpo::train
