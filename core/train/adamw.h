#pragma once
// AdamW (decoupled weight decay) over plain tensors, with its state saved as safetensors so that a
// training run can stop and resume exactly.
#include <ATen/ATen.h>
#include <cstdint>
#include <string>
#include <vector>

namespace gpo::train {

struct AdamWOptions {
    double beta1 = 0.9, beta2 = 0.95, eps = 1e-8, weightDecay = 0.1;
};

class AdamW {
public:
    AdamW(std::vector<at::Tensor> params, AdamWOptions options);
    /// One update with learning rate `lr` from the parameters' current gradients.
    void step(double lr);
    void zeroGrad();
    /// Scales gradients so their global L2 norm is at most `maxNorm`; returns the norm before clipping.
    double clipGradNorm(double maxNorm);
    int64_t steps() const { return steps_; }

    void save(const std::string& path) const;
    /// Throws InputError when the file does not match these parameters.
    void load(const std::string& path);

private:
    std::vector<at::Tensor> params_, m_, v_;
    AdamWOptions options_;
    int64_t steps_ = 0;
};

} // namespace gpo::train
