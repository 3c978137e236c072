#pragma once
// bfloat16 autocast for a training step (TrainingArguments' bf16): matrix products run in bfloat16 while
// the weights, the optimizer and the losses stay in float32. On CUDA this is the usual mixed precision;
// on CPU LibTorch's CPU autocast does the same where its kernels have bfloat16 paths. Sampling inside a
// step (GRPO's completions, GPO's rollouts) suspends it: generation runs in the model's own dtype, and
// casts cached under inference mode must never reach the backward pass.
#include <ATen/ATen.h>

namespace gpo::model {

class Autocast {
public:
    Autocast(const at::Device& device, bool enabled);
    ~Autocast();
    Autocast(const Autocast&) = delete;
    Autocast& operator=(const Autocast&) = delete;

private:
    bool cuda_ = false, cpu_ = false;
};

/// Turns autocast off for its lifetime and restores what was on.
class NoAutocast {
public:
    NoAutocast();
    ~NoAutocast();
    NoAutocast(const NoAutocast&) = delete;
    NoAutocast& operator=(const NoAutocast&) = delete;

private:
    bool cuda_ = false, cpu_ = false;
};

} // namespace gpo::model
