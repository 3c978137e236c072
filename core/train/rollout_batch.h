#pragma once
// What online training learns from in one step: the policy's completions of a batch of prompts, graded,
// with GPO's reset samples (online_resets.h) added to the group of their prompt. GRPO and PPO draw their
// batches the same way, and log them the same way (one JSON line per sample in samples.jsonl).
#include "train/completion_encoding.h"
#include "train/online_resets.h"

#include <iosfwd>
#include <optional>
#include <vector>

namespace gpo::train {

struct RolloutSample {
    size_t group = 0;                ///< which prompt of the batch
    int64_t index = 0;               ///< its place in the group (reset samples come after the sampled ones)
    std::vector<int32_t> completion; ///< tokens (ending in EOS when it ended so)
    std::string text, finish;
    double reward = 0;
    std::optional<ResetSample> reset; ///< set for a GPO reset sample (its `candidate` is the index reset)
};

struct RolloutBatch {
    std::vector<const OnlinePrompt*> prompts; ///< one per group
    std::vector<RolloutSample> samples;       ///< group by group
    std::vector<size_t> groupSizes;
    int64_t sampledTokens = 0; ///< every token sampled: completions, MC rollouts, reset continuations
    int64_t clipped = 0;       ///< completions cut at max_completion_length
    ResetReport resets;        ///< GPO's search (empty without GPO)
    double generationSeconds = 0, resetSeconds = 0;

    /// The samples as training scores them: prompt tokens, then completion tokens (at least one).
    std::vector<EncodedCompletion> encoded(int32_t eos) const;
    /// Completion tokens over all samples (what TRL's dapo aggregation divides by).
    int64_t completionTokens(int32_t eos) const;
};

/// Samples `perPrompt` completions of each prompt (`prompts[ids[i]]`, stream position `positions[i]`) at
/// optimizer step `step`, grades them, and with `gpoSelector` resets up to gpo_resets_per_group failed
/// samples of each prompt at their critical step.
RolloutBatch drawRollouts(model::Policy& policy, const std::vector<OnlinePrompt>& prompts,
                          const std::vector<int64_t>& ids, const std::vector<int64_t>& positions,
                          int64_t perPrompt, int64_t step, const TrainConfig& config,
                          const mc::Selector* gpoSelector);

/// The metrics every online trainer logs about its batch (TRL's names, and gpo/… for the resets).
std::map<std::string, double> rolloutMetrics(const RolloutBatch& batch, int32_t eos);

/// Appends one JSON line per sample: step, problem, index, completion, finish, reward, `advantage`
/// (per sample, or NaN for none) and, for a reset sample, the sample it resets and its critical step.
void appendSamples(std::ostream& out, int64_t step, const RolloutBatch& batch,
                   const std::vector<double>& advantages);

} // namespace gpo::train
