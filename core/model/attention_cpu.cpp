#include "model/attention_cpu.h"

#include <ATen/Parallel.h>
#include <c10/core/GradMode.h>
#include <cmath>
#include <limits>

namespace gpo::model {
namespace {

struct RowArgs {
    const float *q, *keys, *values, *bias, *prefixKeys, *prefixValues, *prefixBias;
    const int64_t* prefixRows;
    float *scores, *out;
    int64_t heads, kvHeads, steps, dim, capacity, columns, prefixCapacity, prefixColumns;
    float scale;
};

// Always inlined, so that the AVX2 clones below get an AVX2 dot product.
__attribute__((always_inline)) inline float dot(const float* x, const float* y, int64_t d) {
    float acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    int64_t i = 0;
    for (; i + 8 <= d; i += 8)
        for (int j = 0; j < 8; ++j)
            acc[j] += x[i + j] * y[i + j];
    float s = ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
    for (; i < d; ++i)
        s += x[i] * y[i];
    return s;
}

// The queries of one (row, key head) pair are the group's heads times the new tokens; each key and value
// is loaded once and used by all of them. Cloned for AVX2+FMA and a baseline, chosen at run time.
// scores: [B, KVH, G*T, P+S] (prefix columns first).
__attribute__((target_clones("arch=haswell", "default"))) void scorePair(const RowArgs& a, int64_t b,
                                                                         int64_t h) {
    const int64_t group = a.heads / a.kvHeads, d = a.dim, queries = group * a.steps;
    const int64_t total = a.prefixColumns + a.columns;
    const float ninf = -std::numeric_limits<float>::infinity();
    float* scores = a.scores + (b * a.kvHeads + h) * queries * total;
    // Query r = (g, t) is head h*group+g at step t: contiguous in q's [B, H, T, D] layout.
    const float* q = a.q + (b * a.heads + h * group) * a.steps * d;
    const float* preK =
        a.prefixKeys ? a.prefixKeys + (a.prefixRows[b] * a.kvHeads + h) * a.prefixCapacity * d : nullptr;
    for (int64_t p = 0; p < a.prefixColumns; ++p) {
        const float bias = a.prefixBias[b * a.prefixColumns + p];
        for (int64_t r = 0; r < queries; ++r)
            scores[r * total + p] = bias == ninf ? ninf : dot(q + r * d, preK + p * d, d) * a.scale + bias;
    }
    const float* ownK = a.keys + (b * a.kvHeads + h) * a.capacity * d;
    for (int64_t c = 0; c < a.columns; ++c)
        for (int64_t r = 0; r < queries; ++r) {
            const float bias = a.bias[(b * a.steps + r % a.steps) * a.columns + c];
            scores[r * total + a.prefixColumns + c] =
                bias == ninf ? ninf : dot(q + r * d, ownK + c * d, d) * a.scale + bias;
        }
}

__attribute__((target_clones("arch=haswell", "default"))) void mixPair(const RowArgs& a, const float* probs,
                                                                       int64_t b, int64_t h) {
    const int64_t group = a.heads / a.kvHeads, d = a.dim, queries = group * a.steps;
    const int64_t total = a.prefixColumns + a.columns;
    probs += (b * a.kvHeads + h) * queries * total;
    const float* preV =
        a.prefixValues ? a.prefixValues + (a.prefixRows[b] * a.kvHeads + h) * a.prefixCapacity * d : nullptr;
    const float* ownV = a.values + (b * a.kvHeads + h) * a.capacity * d;
    for (int64_t r = 0; r < queries; ++r) {
        const int64_t g = r / a.steps, t = r % a.steps;
        float* out = a.out + ((b * a.steps + t) * a.heads + h * group + g) * d;
        for (int64_t k = 0; k < d; ++k)
            out[k] = 0;
    }
    for (int64_t i = 0; i < total; ++i) {
        const float* v = i < a.prefixColumns ? preV + i * d : ownV + (i - a.prefixColumns) * d;
        for (int64_t r = 0; r < queries; ++r) {
            const float w = probs[r * total + i];
            if (w == 0.f) continue;
            const int64_t g = r / a.steps, t = r % a.steps;
            float* out = a.out + ((b * a.steps + t) * a.heads + h * group + g) * d;
            for (int64_t k = 0; k < d; ++k)
                out[k] += w * v[k];
        }
    }
}

} // namespace

bool decodeAttentionApplies(const at::Tensor& q) {
    return q.device().is_cpu() && q.scalar_type() == at::kFloat && !c10::GradMode::is_enabled() &&
           q.size(2) <= 4;
}

at::Tensor decodeAttention(const DecodeAttentionInputs& in) {
    const int64_t batch = in.q.size(0), heads = in.q.size(1), steps = in.q.size(2), dim = in.q.size(3);
    const int64_t kvHeads = in.keys.size(1);
    at::Tensor out = at::empty({batch, steps, heads * dim}, in.q.options());
    at::Tensor scores =
        at::empty({batch, kvHeads, heads / kvHeads * steps, in.prefixColumns + in.columns}, in.q.options());
    const at::Tensor bias = in.bias.contiguous(),
                     prefixBias = in.prefixColumns ? in.prefixBias.contiguous() : at::Tensor();
    const at::Tensor prefixRows = in.prefixColumns ? in.prefixRows.to(at::kLong).contiguous() : at::Tensor();
    RowArgs a{in.q.data_ptr<float>(),
              in.keys.data_ptr<float>(),
              in.values.data_ptr<float>(),
              bias.data_ptr<float>(),
              in.prefixColumns ? in.prefixKeys.data_ptr<float>() : nullptr,
              in.prefixColumns ? in.prefixValues.data_ptr<float>() : nullptr,
              in.prefixColumns ? prefixBias.data_ptr<float>() : nullptr,
              in.prefixColumns ? prefixRows.data_ptr<int64_t>() : nullptr,
              scores.data_ptr<float>(),
              out.data_ptr<float>(),
              heads,
              kvHeads,
              steps,
              dim,
              in.keys.size(2),
              in.columns,
              in.prefixColumns ? in.prefixKeys.size(2) : 0,
              in.prefixColumns,
              static_cast<float>(1.0 / std::sqrt(static_cast<double>(dim)))};
    at::parallel_for(0, batch * kvHeads, 1, [&](int64_t begin, int64_t end) {
        for (int64_t i = begin; i < end; ++i)
            scorePair(a, i / kvHeads, i % kvHeads);
    });
    // Softmax by LibTorch: its exp is vectorised.
    const at::Tensor probs = at::softmax(scores, -1);
    const float* p = probs.data_ptr<float>();
    at::parallel_for(0, batch * kvHeads, 1, [&](int64_t begin, int64_t end) {
        for (int64_t i = begin; i < end; ++i)
            mixPair(a, p, i / kvHeads, i % kvHeads);
    });
    return out;
}

} // namespace gpo::model
