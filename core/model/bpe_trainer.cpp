#include "model/bpe_trainer.h"

#include "model/byte_level.h"
#include "model/pretokenizer.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <unordered_map>

namespace gpo::model {

void trainByteLevelBpe(const std::vector<std::string>& texts, const BpeTrainingOptions& options,
                       const std::string& path) {
    const int32_t special = static_cast<int32_t>(options.specialTokens.size());
    if (options.vocabSize < 256 + special)
        throw std::invalid_argument("vocabulary smaller than the 256 byte tokens");
    // Distinct pre-tokens with their counts, each as a list of token ids.
    RegexSplitter splitter(kGpt2SplitPattern);
    std::unordered_map<std::string, int64_t> counts;
    std::vector<std::string_view> pieces;
    for (const std::string& t : texts) {
        pieces.clear();
        splitter.split(t, pieces);
        for (std::string_view p : pieces)
            ++counts[std::string(p)];
    }
    std::vector<std::string> vocab; // id -> byte-level spelling
    for (int b = 0; b < 256; ++b)
        vocab.push_back(bytesToByteLevel(std::string(1, static_cast<char>(b))));
    struct Word {
        std::vector<int32_t> ids;
        int64_t count;
    };
    std::vector<Word> words;
    for (const auto& [piece, count] : counts) {
        Word w{{}, count};
        for (unsigned char c : piece)
            w.ids.push_back(c);
        words.push_back(std::move(w));
    }
    nlohmann::json merges = nlohmann::json::array();
    while (static_cast<int32_t>(vocab.size()) < options.vocabSize - special) {
        std::map<std::pair<int32_t, int32_t>, int64_t> pairs;
        for (const Word& w : words)
            for (size_t i = 0; i + 1 < w.ids.size(); ++i)
                pairs[{w.ids[i], w.ids[i + 1]}] += w.count;
        if (pairs.empty()) break;
        auto best = pairs.begin();
        for (auto it = pairs.begin(); it != pairs.end(); ++it) {
            if (it->second > best->second ||
                (it->second == best->second && vocab[static_cast<size_t>(it->first.first)] + " " +
                                                       vocab[static_cast<size_t>(it->first.second)] <
                                                   vocab[static_cast<size_t>(best->first.first)] + " " +
                                                       vocab[static_cast<size_t>(best->first.second)]))
                best = it;
        }
        const auto [left, right] = best->first;
        const auto merged = static_cast<int32_t>(vocab.size());
        vocab.push_back(vocab[static_cast<size_t>(left)] + vocab[static_cast<size_t>(right)]);
        merges.push_back({vocab[static_cast<size_t>(left)], vocab[static_cast<size_t>(right)]});
        for (Word& w : words) {
            std::vector<int32_t> next;
            next.reserve(w.ids.size());
            for (size_t i = 0; i < w.ids.size(); ++i) {
                if (i + 1 < w.ids.size() && w.ids[i] == left && w.ids[i + 1] == right) {
                    next.push_back(merged);
                    ++i;
                } else {
                    next.push_back(w.ids[i]);
                }
            }
            w.ids.swap(next);
        }
    }
    nlohmann::json vocabJson = nlohmann::json::object();
    for (size_t i = 0; i < vocab.size(); ++i)
        vocabJson[vocab[i]] = i;
    nlohmann::json added = nlohmann::json::array();
    for (size_t i = 0; i < options.specialTokens.size(); ++i)
        added.push_back({{"id", vocab.size() + i},
                         {"content", options.specialTokens[i]},
                         {"single_word", false},
                         {"lstrip", false},
                         {"rstrip", false},
                         {"normalized", false},
                         {"special", true}});
    const nlohmann::json byteLevel = {
        {"type", "ByteLevel"}, {"add_prefix_space", false}, {"trim_offsets", true}, {"use_regex", true}};
    const nlohmann::json doc = {{"version", "1.0"},
                                {"truncation", nullptr},
                                {"padding", nullptr},
                                {"added_tokens", added},
                                {"normalizer", nullptr},
                                {"pre_tokenizer", byteLevel},
                                {"post_processor", nullptr},
                                {"decoder", byteLevel},
                                {"model",
                                 {{"type", "BPE"},
                                  {"dropout", nullptr},
                                  {"unk_token", nullptr},
                                  {"continuing_subword_prefix", nullptr},
                                  {"end_of_word_suffix", nullptr},
                                  {"fuse_unk", false},
                                  {"byte_fallback", false},
                                  {"ignore_merges", false},
                                  {"vocab", vocabJson},
                                  {"merges", merges}}}};
    const std::string tmp = path + ".partial";
    std::ofstream(tmp) << doc.dump(1) << "\n";
    std::filesystem::rename(tmp, path);
}

} // namespace gpo::model
