#pragma once
// Model-FLOP accounting and the machine's own matmul peak, for utilisation figures.
#include "model/model_config.h"

#include <ATen/ATen.h>

namespace gpo::model {

/// FLOPs of one token's forward pass at a context of `context` earlier tokens: 2 per weight of every
/// matrix product (LM head included, embedding lookups excluded) plus attention's QK^T and PV.
double forwardFlopsPerToken(const ModelConfig& config, double context);

/// Best GFLOP/s of float matrix products of size n×n on `device` over about `seconds`.
double measureMatmulPeakGflops(const at::Device& device, at::ScalarType dtype, int64_t n = 2048,
                               double seconds = 1.0);

} // namespace gpo::model
