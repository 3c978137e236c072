#include "train/greedy_eval.h"

#include "model/generation.h"

#include <algorithm>
#include <c10/core/InferenceMode.h>
#include <chrono>

namespace gpo::train {

GreedyEval greedyPassAt1(model::Policy& policy, const std::vector<OnlinePrompt>& prompts,
                         int64_t maxNewTokens, int64_t batchSize) {
    const auto t0 = std::chrono::steady_clock::now();
    model::SamplingParams greedy;
    greedy.temperature = 0;
    greedy.maxNewTokens = maxNewTokens;
    GreedyEval e;
    c10::InferenceMode inference;
    for (size_t start = 0; start < prompts.size(); start += static_cast<size_t>(batchSize)) {
        const size_t end = std::min(prompts.size(), start + static_cast<size_t>(batchSize));
        std::vector<model::GenerationRow> rows;
        for (size_t i = start; i < end; ++i)
            rows.push_back({0, prompts[i].tokens, 0});
        const auto out = model::generate(policy, {}, rows, greedy);
        for (size_t i = start; i < end; ++i) {
            ++e.problems;
            e.correct += gradeCompletion(prompts[i], out[i - start].text) > 0 ? 1 : 0;
        }
    }
    e.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return e;
}

} // namespace gpo::train
