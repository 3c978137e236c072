#pragma once
// The decoder chain of a SentencePiece-style tokenizer.json (Llama 2, Mistral, Gemma), as Hugging Face
// `tokenizers` runs it over the tokens' strings: Replace ("▁" -> " "), ByteFallback (<0xXX> tokens back
// to their bytes), Fuse (one string), Strip (Llama 2 drops the space its normalizer prepended), and
// Metaspace ("▁" -> " ", the first token's leading one dropped: newer Mistral and Gemma conversions).
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace gpo::model {

/// Metaspace's prepend_scheme ("always", "first", "never"), or its older add_prefix_space spelling, as the
/// pre-tokenizer and the decoder both read it.
std::string metaspacePrependScheme(const nlohmann::json& metaspace);

class TokenDecoder {
public:
    /// Reads the "decoder" value; a type outside the four throws InputError naming it.
    static TokenDecoder fromJson(const nlohmann::json& j, const std::string& path);
    /// The text of the tokens, with ByteFallback's bytes as they are (an incomplete character at the end
    /// stays incomplete, for incremental decoding).
    std::string decode(std::vector<std::string> tokens) const;

private:
    struct Step {
        enum class Kind { Replace, ByteFallback, Fuse, Strip, Metaspace } kind = Kind::Fuse;
        std::string from, to;       ///< Replace; Strip: `from` is the character stripped; Metaspace: `from`
        bool dropFirst = false;     ///< Metaspace: the first token loses its leading `from` (unless "never")
        size_t start = 0, stop = 0; ///< Strip: how many at each end
    };
    void read(const nlohmann::json& j, const std::string& path);
    std::vector<Step> steps_;
};

} // namespace gpo::model
