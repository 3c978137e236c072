#pragma once
// Causal self-attention over a KV cache (and an attached shared prefix), with grouped-query heads.
#include <ATen/ATen.h>

namespace gpo::model {

class KvCache;

/// Additive masks for one forward call, shared by every layer.
struct AttentionMasks {
    at::Tensor ownBias;    // [B, 1, 1, T, S]: 0 where a query may look, -inf elsewhere
    at::Tensor prefixBias; // [B, 1, 1, 1, P] when a prefix is attached
    int64_t start = 0;     // cache column of the first new token
    int64_t keys = 0;      // S: columns of the row's own cache visible after this call

    /// `valid` [B, T] marks real tokens (false: padding). With a cache, records it there.
    static AttentionMasks build(const at::Tensor& valid, KvCache* cache, at::ScalarType dtype);
};

/// How this build attends when no shared prefix is attached: "scaled_dot_product_attention" (LibTorch
/// 2.5+: its fused kernels) or "explicit" (scores and probabilities materialised; Debian's 1.13).
const char* attentionKernel();

/// q [B, H, T, D]; k, v [B, KVH, T, D] for the new tokens (written into `cache` when given).
/// Returns [B, T, H * D].
at::Tensor attend(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, KvCache* cache, size_t layer,
                  const AttentionMasks& masks);

} // namespace gpo::model
