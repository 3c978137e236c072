#pragma once
// Rotary embeddings' inverse frequencies, as transformers' ROPE_INIT_FUNCTIONS compute them (float32),
// for each rope type the loader accepts: default, linear, dynamic (inside max_position_embeddings,
// where it is the default), llama3 and yarn.
#include "model/model_config.h"

#include <ATen/ATen.h>

namespace gpo::model {

struct RopeFrequencies {
    at::Tensor invFreq;        ///< [headDim / 2] float32, on the CPU
    double attentionScale = 1; ///< cos and sin are multiplied by it (yarn's attention_factor)
};

RopeFrequencies ropeFrequencies(const ModelConfig& config);

} // namespace gpo::model
