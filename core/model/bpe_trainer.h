#pragma once
// Training a byte-level BPE vocabulary on a corpus (GPT-2 pre-tokenization), written as a Hugging Face
// tokenizer.json that our Tokenizer and HF `tokenizers` both read.
#include <cstdint>
#include <string>
#include <vector>

namespace gpo::model {

struct BpeTrainingOptions {
    int32_t vocabSize = 512;                                 // bytes + merges + special tokens
    std::vector<std::string> specialTokens{"<|endoftext|>"}; // appended after the merged tokens
};

/// Learns merges from `texts` (most frequent pair first; ties broken by spelling, so the result is
/// reproducible) and writes `path` (tokenizer.json).
void trainByteLevelBpe(const std::vector<std::string>& texts, const BpeTrainingOptions& options,
                       const std::string& path);

} // namespace gpo::model
