#pragma once
// Evaluation during training: greedy pass@1 of the policy as it stands on a fixed list of prompts (the
// eval_dataset of a run), nothing stored. Greedy decoding makes it a function of the weights alone, so a
// resumed run evaluates exactly as an uninterrupted one.
#include "train/online_prompt.h"

#include <vector>

namespace gpo::model {
class Policy;
}

namespace gpo::train {

struct GreedyEval {
    int64_t problems = 0, correct = 0;
    double seconds = 0;
    double passAt1() const {
        return problems ? static_cast<double>(correct) / static_cast<double>(problems) : 0.0;
    }
};

GreedyEval greedyPassAt1(model::Policy& policy, const std::vector<OnlinePrompt>& prompts,
                         int64_t maxNewTokens, int64_t batchSize = 64);

} // namespace gpo::train
