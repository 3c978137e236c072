#pragma once
// A prompt of online training (GRPO, PPO): a problem of the project rendered and tokenized as the
// policy is asked it, with what grades its completions.
#include <cstdint>
#include <string>
#include <vector>

namespace gpo {
class Verifier;
}

namespace gpo::train {

struct OnlinePrompt {
    int64_t problemId = 0;
    std::vector<int32_t> tokens; ///< the rendered prompt, tokenized (with BOS when the tokenizer adds one)
    std::string answer;          ///< the reference answer
    const Verifier* verifier = nullptr;
    std::string question; ///< what the verifier reads restated quantities from
};

/// 1 when `text` reaches the prompt's reference answer, else 0.
double gradeCompletion(const OnlinePrompt& prompt, const std::string& text);

} // namespace gpo::train
