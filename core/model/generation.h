#pragma once
// Batched generation with a preallocated KV cache and prefix forking: rows may continue from any cut of
// a shared token sequence (all K rollouts of a prefix, the rollouts of every step of a trajectory, or
// those of several trajectories at once); each shared sequence is encoded once and read by its rows.
#include "model/sampler.h"

#include <cstdint>
#include <string>
#include <vector>

namespace gpo::model {

class Policy;

struct GenerationRow {
    int64_t sharedLength = 0;    // how many tokens of the shared sequence come first
    std::vector<int32_t> prompt; // then these (left empty for a plain fork of the shared sequence)
    uint64_t seed = 0;
    size_t sharedIndex = 0; // which shared sequence (generateForked); 0 for `generate`
};

struct Generated {
    std::vector<int32_t> tokens; // new tokens, including a final EOS/stop token
    std::string text;            // their text, without special tokens and without a matched stop string
    std::string finish;          // "eos", "stop" or "length"
};

struct GenerationStats {
    int64_t prefixTokens = 0; // tokens of the shared sequence encoded (once)
    int64_t promptTokens = 0; // row prompt tokens encoded (with padding)
    int64_t newTokens = 0;    // tokens generated over all rows
    int64_t decodeSteps = 0;
    int64_t cacheBytes = 0; // peak KV-cache bytes: shared prefix + rows
    double prefillSeconds = 0, decodeSeconds = 0;
};

/// Generates one continuation per row. Rows with sharedLength > 0 read the cache of shared[sharedIndex];
/// the others stand alone (ragged prompts are left-padded). Text needs the policy's tokenizer; ids do not.
std::vector<Generated> generateForked(Policy& policy, const std::vector<std::vector<int32_t>>& shared,
                                      const std::vector<GenerationRow>& rows, const SamplingParams& params,
                                      GenerationStats* stats = nullptr);

/// The same with at most one shared sequence.
std::vector<Generated> generate(Policy& policy, const std::vector<int32_t>& shared,
                                const std::vector<GenerationRow>& rows, const SamplingParams& params,
                                GenerationStats* stats = nullptr);

} // namespace gpo::model
