#pragma once
// Fresh models: a config for a small Llama-family (Qwen2-style) model and randomly initialised weights,
// as training from scratch (the demo policy) and the benchmarks need.
#include "model/model_config.h"
#include "model/weights.h"

#include <ATen/ATen.h>
#include <cstdint>

namespace gpo::model {

struct SmallModelShape {
    int64_t vocab = 4096, hidden = 512, layers = 6, heads = 8, kvHeads = 4, intermediate = 1408,
            maxPositions = 2048;
    bool tied = true;
};

/// A Qwen2-style config (q/k/v biases, RMSNorm, RoPE, SwiGLU) with the given shape, as config.json holds it.
ModelConfig smallModelConfig(const SmallModelShape& shape);

/// Weights for `config` drawn from N(0, 0.02) (norm weights 1, biases 0), reproducible from `seed`.
WeightMap initialWeights(const ModelConfig& config, uint64_t seed, const at::TensorOptions& options);

} // namespace gpo::model
