#include "model/attention.h"

#include "model/attention_cpu.h"
#include "model/kv_cache.h"

#include <cmath>
#include <limits>
#include <torch/version.h>

// LibTorch 2.5+ has scaled_dot_product_attention with grouped-query heads: its fused kernels (flash or
// memory-efficient, CPU and CUDA) never hold the [B, H, T, S] scores and probabilities that the explicit
// path below materialises. Debian's 1.13 has no public SDPA and takes the explicit path.
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 5)
#define GPO_HAVE_SDPA 1
#endif

namespace gpo::model {

const char* attentionKernel() {
#ifdef GPO_HAVE_SDPA
    return "scaled_dot_product_attention";
#else
    return "explicit";
#endif
}

AttentionMasks AttentionMasks::build(const at::Tensor& valid, KvCache* cache, at::ScalarType dtype) {
    AttentionMasks m;
    const int64_t batch = valid.size(0), steps = valid.size(1);
    at::Tensor keyValid = valid;
    if (cache) {
        m.start = cache->length();
        cache->valid().narrow(1, m.start, steps).copy_(valid);
        keyValid = cache->valid().narrow(1, 0, m.start + steps);
    }
    m.keys = m.start + steps;
    const auto longOpts = at::TensorOptions().dtype(at::kLong).device(valid.device());
    const at::Tensor cols = at::arange(m.keys, longOpts).unsqueeze(0);               // [1, S]
    const at::Tensor queryCols = at::arange(m.start, m.keys, longOpts).unsqueeze(1); // [T, 1]
    // A padding query may see only itself: it then stays finite, and no one looks at it.
    const at::Tensor allowed =
        (keyValid.unsqueeze(1) & cols.le(queryCols).unsqueeze(0)) | cols.eq(queryCols).unsqueeze(0);
    const float ninf = -std::numeric_limits<float>::infinity();
    const auto opts = at::TensorOptions().dtype(dtype).device(valid.device());
    m.ownBias = at::zeros({batch, steps, m.keys}, opts)
                    .masked_fill(allowed.logical_not(), ninf)
                    .view({batch, 1, 1, steps, m.keys});
    if (cache && cache->prefix()) {
        const int64_t p = cache->prefix()->length();
        const at::Tensor seen =
            at::arange(p, longOpts).unsqueeze(0).lt(cache->prefixVisible().unsqueeze(1)); // [B, P]
        m.prefixBias =
            at::zeros({batch, p}, opts).masked_fill(seen.logical_not(), ninf).view({batch, 1, 1, 1, p});
    }
    return m;
}

at::Tensor attend(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, KvCache* cache, size_t layer,
                  const AttentionMasks& masks) {
    const int64_t batch = q.size(0), heads = q.size(1), steps = q.size(2), dim = q.size(3);
    const int64_t kvHeads = k.size(1), group = heads / kvHeads;
    const double scale = 1.0 / std::sqrt(static_cast<double>(dim));
    at::Tensor keys = k, values = v;
    if (cache) {
        cache->keys(layer).narrow(2, masks.start, steps).copy_(k);
        cache->values(layer).narrow(2, masks.start, steps).copy_(v);
        if (decodeAttentionApplies(q)) {
            DecodeAttentionInputs in{q.contiguous(),
                                     cache->keys(layer),
                                     cache->values(layer),
                                     masks.keys,
                                     masks.ownBias.view({batch, steps, masks.keys}),
                                     {},
                                     {},
                                     0,
                                     {},
                                     {}};
            if (const KvCache* prefix = cache->prefix()) {
                in.prefixKeys = prefix->keys(layer);
                in.prefixValues = prefix->values(layer);
                in.prefixColumns = prefix->length();
                in.prefixBias = masks.prefixBias.view({batch, in.prefixColumns});
                in.prefixRows = cache->prefixRows();
            }
            return decodeAttention(in);
        }
        keys = cache->keys(layer).narrow(2, 0, masks.keys);
        values = cache->values(layer).narrow(2, 0, masks.keys);
    }
    const KvCache* prefix = cache ? cache->prefix() : nullptr;
#ifdef GPO_HAVE_SDPA
    if (!prefix) {
        const at::Tensor bias = masks.ownBias.view({batch, 1, steps, masks.keys}); // broadcast over heads
        const at::Tensor out = at::scaled_dot_product_attention(q, keys, values, bias, 0.0, false, scale,
                                                                /*enable_gqa=*/group > 1);
        return out.transpose(1, 2).reshape({batch, steps, heads * dim});
    }
#endif
    // Query heads of one group share a key head: fold the group into the query rows (no copy of K/V).
    const at::Tensor qg = q.reshape({batch, kvHeads, group * steps, dim});
    at::Tensor scores =
        at::matmul(qg, keys.transpose(-1, -2)).mul_(scale).view({batch, kvHeads, group, steps, masks.keys});
    scores.add_(masks.ownBias);

    if (!prefix) {
        const at::Tensor probs = at::softmax(scores, -1, at::kFloat).to(q.scalar_type());
        const at::Tensor out = at::matmul(probs.view({batch, kvHeads, group * steps, masks.keys}), values);
        return out.view({batch, heads, steps, dim}).transpose(1, 2).reshape({batch, steps, heads * dim});
    }
    const int64_t p = prefix->length();
    at::Tensor prefixScores, pv;
    if (prefix->batch() == 1) {
        // One shared row: fold the batch into the query rows so every row reads the same K/V (no copy).
        const at::Tensor pk = prefix->keys(layer).narrow(2, 0, p)[0]; // [KVH, P, D]
        pv = prefix->values(layer).narrow(2, 0, p)[0];
        const at::Tensor qp = qg.permute({1, 0, 2, 3}).reshape({kvHeads, batch * group * steps, dim});
        prefixScores = at::matmul(qp, pk.transpose(-1, -2))
                           .mul_(scale)
                           .view({kvHeads, batch, group, steps, p})
                           .permute({1, 0, 2, 3, 4});
    } else {
        // Several shared rows: gather each row's own (one copy per layer and call).
        const at::Tensor rows = cache->prefixRows();
        const at::Tensor pk = prefix->keys(layer).narrow(2, 0, p).index_select(0, rows); // [B, KVH, P, D]
        pv = prefix->values(layer).narrow(2, 0, p).index_select(0, rows);
        prefixScores =
            at::matmul(qg, pk.transpose(-1, -2)).mul_(scale).view({batch, kvHeads, group, steps, p});
    }
    const at::Tensor probs =
        at::softmax(at::cat({prefixScores + masks.prefixBias, scores}, -1), -1, at::kFloat)
            .to(q.scalar_type());
    at::Tensor fromPrefix;
    if (prefix->batch() == 1) {
        const at::Tensor prefixProbs =
            probs.narrow(-1, 0, p).permute({1, 0, 2, 3, 4}).reshape({kvHeads, batch * group * steps, p});
        fromPrefix =
            at::matmul(prefixProbs, pv).view({kvHeads, batch, group * steps, dim}).permute({1, 0, 2, 3});
    } else {
        fromPrefix = at::matmul(probs.narrow(-1, 0, p).reshape({batch, kvHeads, group * steps, p}), pv);
    }
    at::Tensor out = at::matmul(
        probs.narrow(-1, p, masks.keys).reshape({batch, kvHeads, group * steps, masks.keys}), values);
    out.add_(fromPrefix);
    return out.view({batch, heads, steps, dim}).transpose(1, 2).reshape({batch, steps, heads * dim});
}

} // namespace gpo::model
