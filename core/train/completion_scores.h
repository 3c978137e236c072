#pragma once
// The log-probabilities of completions under a model, batched: per completion its summed log-prob and
// token count (what the preference losses take) and its per-token values (what PPO/GRPO ratios take).
// Differentiable unless called under inference mode.
#include "train/completion_encoding.h"
#include "train/preference_scores.h"

namespace gpo::model {
class Transformer;
}

namespace gpo::train {

struct CompletionLogprobs {
    SequenceScores scores; ///< summed over completion tokens, [N]
    at::Tensor perToken;   ///< [N, Tmax - 1]: entry i is log p(token i+1 | tokens ..i), 0 off the completion
    at::Tensor mask;       ///< [N, Tmax - 1] bool: true on completion tokens
    SequenceScores whole;  ///< summed over every scored token, prompt included (ORPO's NLL)
};

/// `temperature` divides the logits (online trainers score their samples at the sampling temperature);
/// `hidden` receives the final hidden states [N, Tmax, hidden] when given.
CompletionLogprobs completionLogprobs(model::Transformer& model, const std::vector<EncodedCompletion>& batch,
                                      double temperature = 1.0, at::Tensor* hidden = nullptr);

} // namespace gpo::train
