#pragma once
// The BPE model: a vocabulary of byte-level strings and ranked merges, applied to one pre-token at a time
// (lowest rank first, leftmost on ties — the order Hugging Face `tokenizers` uses).
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace gpo::model {

class BpeModel {
public:
    /// Adds a vocabulary entry; ids need not be dense.
    void addToken(const std::string& token, int32_t id);
    /// Adds the next merge (rank = number of merges so far). Returns false when `left`, `right` or their
    /// concatenation is not in the vocabulary.
    bool addMerge(const std::string& left, const std::string& right);
    /// When set, a pre-token that is itself in the vocabulary is taken whole (Llama 3 style).
    void setIgnoreMerges(bool on) { ignoreMerges_ = on; }
    /// SentencePiece-style vocabularies (Llama 2, Mistral, Gemma): a character missing from the vocabulary
    /// becomes its UTF-8 bytes' <0xXX> tokens (byte_fallback), else `unk` (-1: none), consecutive unknowns
    /// fused into one when `fuseUnk`.
    void setMissingCharacters(bool byteFallback, int32_t unk, bool fuseUnk);

    /// Appends the ids of one pre-token. Characters missing from the vocabulary take the byte fallback or
    /// unk when set (setMissingCharacters), else throw std::runtime_error (byte-level vocabularies hold
    /// all 256 byte characters).
    void encodeWord(std::string_view byteLevelWord, std::vector<int32_t>& out) const;

    int32_t idOf(std::string_view token) const;   // -1 when absent
    const std::string& tokenOf(int32_t id) const; // empty when absent
    size_t size() const { return idByToken_.size(); }
    size_t mergeCount() const { return merges_.size(); }
    int32_t maxId() const { return static_cast<int32_t>(idToToken_.size()) - 1; }

private:
    struct Merge {
        int32_t rank;
        int32_t merged;
    };
    static uint64_t pairKey(int32_t a, int32_t b) {
        return (static_cast<uint64_t>(static_cast<uint32_t>(a)) << 32) | static_cast<uint32_t>(b);
    }
    struct StringHash {
        using is_transparent = void;
        size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    };
    std::unordered_map<std::string, int32_t, StringHash, std::equal_to<>> idByToken_;
    std::vector<std::string> idToToken_;
    std::unordered_map<uint64_t, Merge> merges_;
    bool ignoreMerges_ = false;
    bool byteFallback_ = false, fuseUnk_ = false;
    int32_t unk_ = -1;
};

} // namespace gpo::model
