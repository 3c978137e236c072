#pragma once
// PPO's critic: a linear value head on the policy's final hidden states (one value per position), as
// TRL's AutoModelForCausalLMWithValueHead and the first author's PPO code (LLaMA-Factory) put it on a
// shared backbone. Saved beside a checkpoint as value_head.safetensors with TRL's tensor names
// (v_head.summary.weight [1, hidden], v_head.summary.bias [1]), in float32.
#include <ATen/ATen.h>
#include <cstdint>
#include <string>
#include <vector>

namespace gpo::train {

class ValueHead {
public:
    /// A fresh head: weights uniform in ±1/sqrt(hidden) from `seed` (nn.Linear's range), bias 0.
    static ValueHead create(int64_t hidden, uint64_t seed, const at::Device& device);
    /// Reads `file`; throws InputError naming it when a tensor is missing or the width differs.
    static ValueHead load(const std::string& file, int64_t hidden, const at::Device& device);

    /// Values of hidden states [..., hidden] -> [...], in float32.
    at::Tensor operator()(const at::Tensor& hidden) const;
    std::vector<at::Tensor> parameters() const { return {weight_, bias_}; }
    void save(const std::string& file) const;

    static constexpr const char* kFileName = "value_head.safetensors";

private:
    at::Tensor weight_, bias_;
};

} // namespace gpo::train
