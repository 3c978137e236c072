#pragma once
// Decode-time attention on the CPU: a few query tokens per row against that row's cached keys. Batched
// matrix products spend most of their time packing many tiny matrices here; this kernel reads each cached
// key and value once, with SIMD inner loops (AVX2 where the CPU has it, chosen at run time).
#include <ATen/ATen.h>

namespace gpo::model {

struct DecodeAttentionInputs {
    at::Tensor q;            // [B, H, T, D] float, contiguous
    at::Tensor keys, values; // [B, KVH, capacity, D] float, contiguous; the first `columns` are used
    int64_t columns = 0;
    at::Tensor bias;                     // [B, T, columns] float: 0 or -inf
    at::Tensor prefixKeys, prefixValues; // optional [prefix rows, KVH, capacity, D]
    int64_t prefixColumns = 0;
    at::Tensor prefixBias; // [B, prefixColumns] float
    at::Tensor prefixRows; // [B] int64 on the CPU: the prefix row each row reads
};

/// True when `decodeAttention` handles this case (CPU, float32, no autograd).
bool decodeAttentionApplies(const at::Tensor& q);

/// Returns [B, T, H * D].
at::Tensor decodeAttention(const DecodeAttentionInputs& in);

} // namespace gpo::model
