#include "train/completion_encoding.h"

#include "model/tokenizer.h"

#include <stdexcept>

namespace gpo::train {

EncodedCompletion encodeCompletion(const model::Tokenizer& tokenizer, const std::string& prompt,
                                   const std::string& completion, int32_t eos) {
    EncodedCompletion out;
    out.tokens = tokenizer.encodePrompt(prompt);
    out.promptTokens = static_cast<int64_t>(out.tokens.size());
    if (out.promptTokens == 0)
        throw std::invalid_argument("an empty prompt: a completion needs at least one token before it");
    const auto c = tokenizer.encode(completion);
    out.tokens.insert(out.tokens.end(), c.begin(), c.end());
    if (eos >= 0) out.tokens.push_back(eos);
    if (out.completionTokens() == 0) throw std::invalid_argument("an empty completion has nothing to score");
    return out;
}

} // namespace gpo::train
