#pragma once
// Pre-tokenization: cutting text into the pieces BPE encodes one by one, as Hugging Face `tokenizers`
// does (Split with a regex, ByteLevel's GPT-2 regex, Digits), on PCRE2 with Unicode properties.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace gpo::model {

/// GPT-2's split rule (also ByteLevel's `use_regex`).
inline constexpr const char* kGpt2SplitPattern =
    R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";

/// One compiled regex that splits text into its matches and the gaps between them.
class RegexSplitter {
public:
    /// Throws std::invalid_argument naming the pattern offset when PCRE2 rejects the pattern.
    explicit RegexSplitter(const std::string& pattern);
    ~RegexSplitter();
    RegexSplitter(const RegexSplitter&) = delete;
    RegexSplitter& operator=(const RegexSplitter&) = delete;

    /// Appends the pieces of `text` (valid UTF-8) to `out`, in order: matches and the gaps between them
    /// (the "Isolated" behaviour).
    void split(std::string_view text, std::vector<std::string_view>& out) const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// A chain of pre-tokenization rules, applied piece by piece.
class PreTokenizer {
public:
    enum class Rule { Regex, Digits };
    void addRegex(const std::string& pattern);
    /// Digits: every digit its own piece (`individual`) or runs of digits together.
    void addDigits(bool individual);
    bool empty() const { return steps_.empty(); }

    std::vector<std::string_view> split(std::string_view text) const;

private:
    struct Step {
        Rule rule;
        std::shared_ptr<RegexSplitter> regex;
        bool individualDigits = false;
    };
    std::vector<Step> steps_;
};

} // namespace gpo::model
