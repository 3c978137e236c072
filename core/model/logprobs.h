#pragma once
// Log-probabilities of given tokens under a model, batched: log p(ids[i] | ids[<i]) for i >= 1.
#include <ATen/ATen.h>
#include <cstdint>
#include <vector>

namespace gpo::model {

class Transformer;

struct TokenLogprobs {
    at::Tensor values; // [B, Tmax - 1] float32: entry i is log p(token i+1 | tokens 0..i)
    at::Tensor mask;   // [B, Tmax - 1] bool: true where that token exists
};

/// Right-pads the sequences into one batch and scores every token after the first. Differentiable
/// unless called under inference mode (training uses it for DPO/PPO ratios). A `temperature` other than
/// 1 (and above 0) divides the logits first, as TRL's online trainers score what they sampled.
/// `hidden`, when given, receives the final hidden states [B, Tmax, hidden] (PPO's value head).
TokenLogprobs tokenLogprobs(Transformer& model, const std::vector<std::vector<int32_t>>& sequences,
                            double temperature = 1.0, at::Tensor* hidden = nullptr);

/// The same, as plain numbers (n - 1 values per sequence), computed without autograd.
std::vector<std::vector<float>> sequenceLogprobs(Transformer& model,
                                                 const std::vector<std::vector<int32_t>>& sequences);

} // namespace gpo::model
