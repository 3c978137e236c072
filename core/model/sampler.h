#pragma once
// Choosing the next token from logits: greedy, temperature, top-k, top-p. Randomness comes from a
// counter-based generator keyed by (row seed, step), so a row's sample does not depend on which other
// rows share its batch: the same seeds give the same rollouts in one process or split over shards.
#include <ATen/ATen.h>
#include <cstdint>
#include <string>
#include <vector>

namespace gpo::model {

struct SamplingParams {
    double temperature = 1.0; // 0: greedy
    int64_t topK = 0;         // 0: off
    double topP = 1.0;        // 1: off
    int64_t maxNewTokens = 256;
    std::vector<std::string> stopStrings; // generation ends after any of these (excluded from the text)
    std::vector<int32_t> stopTokens;      // besides the policy's EOS tokens
    bool stopAtEos = true;                // false: EOS is a token like any other
};

/// A uniform number in [0, 1) for (seed, step).
double uniformFor(uint64_t seed, uint64_t step);

/// Next tokens [B] (int64) from logits [B, V]; `uniforms` [B] (float64, CPU) drive the sampling.
at::Tensor sampleTokens(const at::Tensor& logits, const SamplingParams& params, const at::Tensor& uniforms);

} // namespace gpo::model
