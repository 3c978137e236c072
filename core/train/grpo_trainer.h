#pragma once
// The online trainer: GRPO as TRL 0.29+ runs it with num_iterations 1. Each step takes the next prompts
// of the stream, samples G completions of each with the policy, grades them with the problem's
// verifier (reward 1 or 0), turns the rewards into group-normalised advantages, and takes one clipped
// policy-gradient step (the old log-probs are the current ones, so the ratio is 1 and the clip counts
// what it would cut), with a k3 KL to the reference when beta > 0. Completion seeds depend only on
// (seed, step, prompt, index), so a resumed run samples and learns exactly what an uninterrupted one does.
// Every step's completions, rewards and advantages are appended to outDir/samples.jsonl.
#include "train/train_config.h"

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace gpo {
class Verifier;
}
namespace gpo::model {
class Policy;
}

namespace gpo::train {

struct OnlinePrompt {
    int64_t problemId = 0;
    std::vector<int32_t> tokens; ///< the rendered prompt, tokenized (with BOS when the tokenizer adds one)
    std::string answer;          ///< the reference answer
    const Verifier* verifier = nullptr;
};

struct OnlineTrainOptions {
    std::string outDir;
    bool resume = false;
    std::function<std::unique_ptr<model::Policy>()> loadReference; ///< used when beta > 0
    std::function<void(const nlohmann::json&)> metrics;
    std::function<bool()> cancelled;
};

struct OnlineTrainResult {
    int64_t steps = 0, maxSteps = 0, prompts = 0;
    bool cancelled = false;
    nlohmann::json last;
    double seconds = 0;
};

OnlineTrainResult trainGrpo(model::Policy& policy, const std::vector<OnlinePrompt>& prompts,
                            const TrainConfig& config, const OnlineTrainOptions& options);

} // namespace gpo::train
