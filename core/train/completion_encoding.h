#pragma once
// How training turns (prompt, completion) text into tokens, as TRL does: the prompt and the completion
// are tokenized separately and concatenated (the prompt with the tokenizer's BOS when it adds one, the
// completion followed by EOS), so a completion's tokens never depend on how its prompt ended; only the
// completion's tokens are scored. `gpo logprobs --prompt --completion` shows exactly this encoding.
#include <cstdint>
#include <string>
#include <vector>

namespace gpo::model {
class Tokenizer;
}

namespace gpo::train {

struct EncodedCompletion {
    std::vector<int32_t> tokens; ///< prompt tokens, then completion tokens
    int64_t promptTokens = 0;
    int64_t completionTokens() const { return static_cast<int64_t>(tokens.size()) - promptTokens; }
};

/// `eos`: the id appended to the completion (-1: none).
EncodedCompletion encodeCompletion(const model::Tokenizer& tokenizer, const std::string& prompt,
                                   const std::string& completion, int32_t eos);

} // namespace gpo::train
