#pragma once
// GPO's reset in online training (../DESIGN.md, "GPO reset"). A failed sample is cut into steps at its
// newlines (the paper's rule, applied to the sampled tokens themselves, so a reset keeps exactly what the
// policy wrote); a selector finds its critical step from Monte Carlo rollouts of the prefixes it asks
// for (binary search by default: about K (log2 H + 1) rollouts); the policy restarts at the prefix before
// that step. The reset sample — the failed sample's tokens up to the critical step, then a continuation
// drawn there (a successful one of the K when any succeeded, as the first author's code keeps its best) —
// joins the batch with its own reward. Rollout seeds depend only on each candidate's key, the prefix and
// the rollout's index, so a resumed run draws the same resets.
#include "mc/selector.h"
#include "model/sampler.h"
#include "train/online_prompt.h"
#include "train/train_config.h"

#include <cstdint>
#include <string>
#include <vector>

namespace gpo::model {
class Policy;
class Tokenizer;
} // namespace gpo::model

namespace gpo::train {

struct ResetCandidate {
    const OnlinePrompt* prompt = nullptr;
    std::vector<int32_t> completion; ///< the failed sample's tokens (its EOS included when it ended so)
    uint64_t key = 0;                ///< seeds its rollouts
};

struct ResetSample {
    size_t candidate = 0;            ///< which candidate it resets
    int steps = 0;                   ///< H: the steps the failed sample was cut into
    int criticalStep = 0;            ///< h*: the reset keeps steps 0 … h*-1
    std::vector<int32_t> completion; ///< the kept tokens, then the continuation
    std::string text;                ///< their text
    std::string finish;              ///< the continuation's: eos, stop or length
    double reward = 0;
    std::vector<double> values; ///< the MC values the selector saw, per prefix (NaN: not rolled out)
};

struct ResetReport {
    std::vector<ResetSample> samples; ///< one per candidate whose critical step was found
    int64_t candidates = 0;
    int64_t noPick = 0;        ///< candidates the selector found no critical step in
    int64_t rollouts = 0;      ///< continuations drawn (MC estimates and resets)
    int64_t sampledTokens = 0; ///< their tokens
};

/// Where the steps of `completion` begin (0 first): after each token whose text holds a newline, when
/// more than whitespace follows; at most `maxSteps` steps (the rest folds into the last).
std::vector<size_t> stepStarts(const model::Tokenizer& tokenizer, const std::vector<int32_t>& completion,
                               int64_t maxSteps);

/// Resets every candidate at its critical step. `sampling` is the run's (its max_new_tokens caps the
/// whole reset completion).
ResetReport resetAtCriticalSteps(model::Policy& policy, const std::vector<ResetCandidate>& candidates,
                                 const mc::Selector& selector, const OnlineGpoSettings& settings,
                                 const model::SamplingParams& sampling, uint64_t seed);

} // namespace gpo::train
