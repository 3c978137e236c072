#pragma once
// A tokenizer.json normalizer, as Hugging Face `tokenizers` applies it to each piece of text between added
// tokens: Unicode normal forms (NFC, NFD, NFKC, NFKD), and SentencePiece-style Prepend and Replace
// (Llama 2: prepend "▁", replace " " with "▁"), in the order a Sequence lists them.
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace gpo::model {

class Normalizer {
public:
    /// Reads the "normalizer" value (null: none). An unsupported type throws InputError naming it.
    static Normalizer fromJson(const nlohmann::json& j, const std::string& path);
    std::string apply(std::string_view text) const;
    bool empty() const { return steps_.empty(); }

private:
    struct Step {
        enum class Kind { Unicode, Prepend, Replace } kind = Kind::Unicode;
        int options = 0;      ///< Unicode: utf8proc options
        std::string from, to; ///< Prepend: `to`; Replace: `from` -> `to`
    };
    void read(const nlohmann::json& j, const std::string& path);
    std::vector<Step> steps_;
};

} // namespace gpo::model
