#include "train/completion_scores.h"

#include "model/logprobs.h"

namespace gpo::train {

CompletionLogprobs completionLogprobs(model::Transformer& model, const std::vector<EncodedCompletion>& batch,
                                      double temperature, at::Tensor* hidden) {
    std::vector<std::vector<int32_t>> sequences;
    sequences.reserve(batch.size());
    std::vector<int64_t> begin;
    for (const auto& e : batch) {
        sequences.push_back(e.tokens);
        begin.push_back(e.promptTokens - 1); // entry i scores token i + 1: the first completion token
    }
    const model::TokenLogprobs lp = model::tokenLogprobs(model, sequences, temperature, hidden);
    const int64_t width = lp.values.size(1);
    const at::Tensor positions = at::arange(width, at::TensorOptions().dtype(at::kLong)).unsqueeze(0);
    const at::Tensor starts = at::tensor(begin, at::kLong).unsqueeze(1);
    const at::Tensor mask = lp.mask.logical_and((positions >= starts).to(lp.mask.device()));
    const at::Tensor perToken = lp.values * mask.to(lp.values.scalar_type());
    const at::Tensor all = lp.mask.to(lp.values.scalar_type());
    return {{perToken.sum(1), mask.sum(1).to(at::kFloat)},
            perToken,
            mask,
            {(lp.values * all).sum(1), lp.mask.sum(1).to(at::kFloat)}};
}

} // namespace gpo::train
