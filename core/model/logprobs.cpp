#include "model/logprobs.h"

#include "model/transformer.h"

#include <algorithm>
#include <c10/core/InferenceMode.h>
#include <stdexcept>

namespace gpo::model {

TokenLogprobs tokenLogprobs(Transformer& model, const std::vector<std::vector<int32_t>>& sequences,
                            double temperature, at::Tensor* hidden) {
    const auto batch = static_cast<int64_t>(sequences.size());
    int64_t width = 0;
    for (const auto& s : sequences)
        width = std::max<int64_t>(width, static_cast<int64_t>(s.size()));
    if (batch == 0 || width < 2)
        throw std::invalid_argument("log-probabilities need sequences of at least two tokens");
    // Past its positions a model computes what it never learned (GPT-2 has no embedding there at all).
    if (width > model.config().maxPositions)
        throw std::invalid_argument("a sequence of " + std::to_string(width) +
                                    " tokens is longer than the model's max_position_embeddings (" +
                                    std::to_string(model.config().maxPositions) +
                                    "): shorten it (training: max_length)");
    std::vector<int64_t> ids(static_cast<size_t>(batch * width), 0), pos(ids.size());
    std::vector<uint8_t> valid(ids.size(), 0);
    for (size_t b = 0; b < sequences.size(); ++b)
        for (size_t i = 0; i < static_cast<size_t>(width); ++i) {
            const size_t at = b * static_cast<size_t>(width) + i;
            pos[at] = static_cast<int64_t>(i);
            if (i < sequences[b].size()) {
                if (sequences[b][i] < 0 || sequences[b][i] >= model.config().vocabSize)
                    throw std::invalid_argument("token id " + std::to_string(sequences[b][i]) +
                                                " is outside the vocabulary (" +
                                                std::to_string(model.config().vocabSize) + ")");
                ids[at] = sequences[b][i];
                valid[at] = 1;
            }
        }
    const at::Device device = model.options().device();
    const at::Tensor idT = at::tensor(ids, at::kLong).view({batch, width}).to(device);
    const at::Tensor validT = at::tensor(std::vector<int64_t>(valid.begin(), valid.end()), at::kLong)
                                  .view({batch, width})
                                  .to(device)
                                  .to(at::kBool);
    const at::Tensor states = model.forward(
        {idT, at::tensor(pos, at::kLong).view({batch, width}).to(device), validT}, nullptr, LogitsFor::None);
    if (hidden) *hidden = states;
    at::Tensor logits = model.logits(states.narrow(1, 0, width - 1)).to(at::kFloat);
    if (temperature > 0 && temperature != 1.0) logits = logits / temperature;
    const at::Tensor logp = at::log_softmax(logits, -1);
    const at::Tensor next = idT.narrow(1, 1, width - 1);
    return {logp.gather(-1, next.unsqueeze(-1)).squeeze(-1), validT.narrow(1, 1, width - 1)};
}

std::vector<std::vector<float>> sequenceLogprobs(Transformer& model,
                                                 const std::vector<std::vector<int32_t>>& sequences) {
    c10::InferenceMode inference;
    const TokenLogprobs lp = tokenLogprobs(model, sequences);
    const at::Tensor values = lp.values.to(at::kCPU).contiguous();
    std::vector<std::vector<float>> out;
    for (size_t b = 0; b < sequences.size(); ++b) {
        const size_t n = sequences[b].size() > 0 ? sequences[b].size() - 1 : 0;
        const float* row = values[static_cast<int64_t>(b)].data_ptr<float>();
        out.emplace_back(row, row + n);
    }
    return out;
}

} // namespace gpo::model
