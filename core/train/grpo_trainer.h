#pragma once
// The online trainer: GRPO as TRL 0.29+ runs it with num_iterations 1. Each step takes the next prompts
// of the stream, samples G completions of each with the policy, grades them with the problem's
// verifier (reward 1 or 0), turns the rewards into group-normalised advantages, and takes one clipped
// policy-gradient step (the old log-probs are the current ones, so the ratio is 1 and the clip counts
// what it would cut), with a k3 KL to the reference when beta > 0. With GPO ("gpo": true), failed
// samples are reset at their critical step first (online_resets.h) and each reset sample joins its
// prompt's group with its own reward, so a group whose G samples all failed can still teach.
// Completion seeds depend only on (seed, step, prompt, index), so a resumed run samples and learns
// exactly what an uninterrupted one does. Every step's completions, rewards and advantages (and each
// reset's critical step) are appended to outDir/samples.jsonl.
#include "train/online_prompt.h"
#include "train/train_loop.h"

#include <vector>

namespace gpo::mc {
class Selector;
}

namespace gpo::train {

struct OnlineTrainOptions : TrainerOptions {
    const mc::Selector* gpoSelector = nullptr; ///< finds the critical step of a failed sample (GPO)
};

TrainResult trainGrpo(model::Policy& policy, const std::vector<OnlinePrompt>& prompts,
                      const TrainConfig& config, const OnlineTrainOptions& options);

/// The seed of completion `g` of prompt `position` of the stream at step `step`.
uint64_t completionSeed(uint64_t seed, int64_t step, int64_t position, int64_t g);

/// Keeps the lines of a run's samples.jsonl up to `step` (a resumed run writes the later ones again).
void truncateSamples(const std::string& file, int64_t step);

} // namespace gpo::train
