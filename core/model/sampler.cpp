#include "model/sampler.h"

#include <limits>

namespace gpo::model {

double uniformFor(uint64_t seed, uint64_t step) {
    // splitmix64 of (seed, step): a well-mixed 64-bit value, of which the top 53 bits make the double.
    uint64_t z = seed + 0x9E3779B97F4A7C15ull * (step + 1);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    return static_cast<double>(z >> 11) * 0x1.0p-53;
}

at::Tensor sampleTokens(const at::Tensor& logits, const SamplingParams& params, const at::Tensor& uniforms) {
    if (params.temperature <= 0.0) return logits.argmax(-1);
    at::Tensor scores = logits.to(at::kFloat) / params.temperature;
    const int64_t vocab = scores.size(-1);
    const float ninf = -std::numeric_limits<float>::infinity();
    at::Tensor order; // when set, `scores` are sorted and order maps back to token ids
    if (params.topP < 1.0) {
        auto [sorted, idx] = scores.sort(-1, /*descending=*/true);
        if (params.topK > 0 && params.topK < vocab)
            sorted.narrow(-1, params.topK, vocab - params.topK).fill_(ninf);
        const at::Tensor probs = at::softmax(sorted, -1);
        // Drop a token once the ones before it already hold top_p of the mass (the first always stays).
        const at::Tensor before = probs.cumsum(-1) - probs;
        scores = sorted.masked_fill(before.gt(params.topP), ninf);
        order = idx;
    } else if (params.topK > 0 && params.topK < vocab) {
        auto [top, idx] = scores.topk(params.topK, -1);
        scores = top;
        order = idx;
    }
    const at::Tensor cdf = at::softmax(scores, -1).to(at::kDouble).cumsum(-1);
    const at::Tensor u =
        uniforms.to(cdf.device()).unsqueeze(-1) * cdf.select(-1, cdf.size(-1) - 1).unsqueeze(-1);
    at::Tensor pick = cdf.lt(u).sum(-1).clamp_max(scores.size(-1) - 1);
    if (order.defined()) pick = order.gather(-1, pick.unsqueeze(-1)).squeeze(-1);
    return pick;
}

} // namespace gpo::model
