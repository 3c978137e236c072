#include "model/tokenizer.h"

#include "data/json_source.h"
#include "model/byte_level.h"
#include "template/template_error.h"
#include "util/input_error.h"
#include "util/text.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

namespace gpo::model {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

/// Special-token fields in tokenizer_config.json are a string or an object with "content".
std::string tokenContent(const json& j) {
    if (j.is_string()) return j.get<std::string>();
    if (j.is_object() && j.contains("content") && j["content"].is_string())
        return j["content"].get<std::string>();
    return {};
}

/// Valid UTF-8 with each broken sequence replaced by U+FFFD, as Hugging Face's errors="replace" does.
std::string repairUtf8(std::string bytes) {
    if (text::invalidUtf8Offset(bytes) < 0) return bytes;
    std::string out;
    out.reserve(bytes.size() + 8);
    std::string_view rest(bytes);
    while (!rest.empty()) {
        const int64_t bad = text::invalidUtf8Offset(rest);
        if (bad < 0) {
            out.append(rest);
            break;
        }
        out.append(rest.substr(0, static_cast<size_t>(bad)));
        out.append("\xEF\xBF\xBD");
        // Skip the lead byte and any continuation bytes that belonged to the broken sequence.
        size_t skip = static_cast<size_t>(bad) + 1;
        while (skip < rest.size() && (static_cast<unsigned char>(rest[skip]) & 0xC0) == 0x80)
            ++skip;
        rest.remove_prefix(skip);
    }
    return out;
}

bool isWhitespaceByte(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

void readMerges(BpeModel& bpe, const json& merges, const std::string& path) {
    if (!merges.is_array()) throw InputError(path, 0, "model.merges must be an array");
    for (size_t i = 0; i < merges.size(); ++i) {
        const json& m = merges[i];
        std::string left, right;
        if (m.is_string()) {
            const std::string s = m.get<std::string>();
            const size_t space = s.find(' ', 1);
            if (space == std::string::npos)
                throw InputError(path, 0,
                                 "model.merges[" + std::to_string(i) + "] has no space: '" + s + "'");
            left = s.substr(0, space);
            right = s.substr(space + 1);
        } else if (m.is_array() && m.size() == 2 && m[0].is_string() && m[1].is_string()) {
            left = m[0].get<std::string>();
            right = m[1].get<std::string>();
        } else {
            throw InputError(path, 0,
                             "model.merges[" + std::to_string(i) + "] is neither \"a b\" nor [a, b]");
        }
        if (!bpe.addMerge(left, right))
            throw InputError(
                path, 0, "model.merges[" + std::to_string(i) + "] merges tokens missing from the vocabulary");
    }
}

void readVocab(BpeModel& bpe, const json& vocab, const std::string& path, const char* where) {
    if (!vocab.is_object()) throw InputError(path, 0, std::string(where) + " must be an object of token: id");
    for (auto it = vocab.begin(); it != vocab.end(); ++it) {
        if (!it.value().is_number_integer() || it.value().get<int64_t>() < 0 ||
            it.value().get<int64_t>() > INT32_MAX)
            throw InputError(path, 0, std::string(where) + "[\"" + it.key() + "\"] is not a token id");
        bpe.addToken(it.key(), it.value().get<int32_t>());
    }
}

/// Metaspace's settings, shared by its pre-tokenizer and decoder forms.
template <class M> void readMetaspace(const json& j, const std::string& path, M& m) {
    m.on = true;
    m.replacement = j.value("replacement", m.replacement);
    const std::string scheme = metaspacePrependScheme(j);
    if (scheme == "always")
        m.prepend = M::Prepend::Always;
    else if (scheme == "first")
        m.prepend = M::Prepend::First;
    else if (scheme == "never")
        m.prepend = M::Prepend::Never;
    else
        throw InputError(path, 0, "Metaspace prepend_scheme '" + scheme + "' is not always, first or never");
    m.split = j.value("split", true);
}

void readPreTokenizer(const json& j, const std::string& path, PreTokenizer& pre, bool& byteLevel,
                      bool& prefixSpace) {
    if (j.is_null()) return;
    const std::string type = j.value("type", "");
    try {
        if (type == "Sequence") {
            for (const json& p : j.value("pretokenizers", json::array()))
                readPreTokenizer(p, path, pre, byteLevel, prefixSpace);
        } else if (type == "ByteLevel") {
            byteLevel = true;
            prefixSpace = j.value("add_prefix_space", false);
            if (j.value("use_regex", true)) pre.addRegex(kGpt2SplitPattern);
        } else if (type == "Split") {
            if (j.value("behavior", "") != "Isolated" || j.value("invert", false))
                throw InputError(
                    path, 0, "pre_tokenizer Split: only behavior \"Isolated\" without invert is supported");
            const json& pattern = j.at("pattern");
            if (pattern.contains("Regex")) {
                pre.addRegex(pattern["Regex"].get<std::string>());
            } else {
                std::string literal; // a String pattern: match it literally
                for (char c : pattern.at("String").get<std::string>()) {
                    if (std::string_view("\\^$.|?*+()[]{}").find(c) != std::string_view::npos)
                        literal += '\\';
                    literal += c;
                }
                pre.addRegex(literal);
            }
        } else if (type == "Digits") {
            pre.addDigits(j.value("individual_digits", false));
        } else {
            throw InputError(path, 0, "pre_tokenizer '" + type + "' is not supported");
        }
    } catch (const json::exception& e) {
        throw InputError(path, 0, "pre_tokenizer " + type + ": " + e.what());
    } catch (const std::invalid_argument& e) {
        throw InputError(path, 0, "pre_tokenizer " + type + ": " + e.what());
    }
}

} // namespace

Tokenizer Tokenizer::fromTokenizerJson(const std::string& path) {
    const json doc = readJsonDocument(path);
    if (!doc.is_object()) throw InputError(path, 1, "a tokenizer.json must hold a JSON object");
    Tokenizer t;
    const json& model = doc.contains("model") ? doc["model"] : json();
    if (!model.is_object() || model.value("type", "BPE") != "BPE")
        throw InputError(path, 0, "model.type must be \"BPE\" (byte-level BPE tokenizers only)");
    if (!model.contains("vocab") || !model.contains("merges"))
        throw InputError(path, 0, "model needs \"vocab\" and \"merges\"");
    readVocab(t.bpe_, model["vocab"], path, "model.vocab");
    readMerges(t.bpe_, model["merges"], path);
    t.bpe_.setIgnoreMerges(model.value("ignore_merges", false));

    t.normalizer_ = Normalizer::fromJson(doc.value("normalizer", json()), path);
    bool byteLevel = false;
    const json preTokenizer = doc.value("pre_tokenizer", json());
    if (preTokenizer.is_object() && preTokenizer.value("type", "") == "Metaspace")
        readMetaspace(preTokenizer, path, t.metaspace_);
    else
        readPreTokenizer(preTokenizer, path, t.pre_, byteLevel, t.addPrefixSpace_);
    if (doc.contains("decoder") && doc["decoder"].is_object() &&
        doc["decoder"].value("type", "") == "ByteLevel")
        byteLevel = true;
    if (!byteLevel) {
        // SentencePiece-style: the vocabulary holds characters as they are, a decoder chain spells them.
        const bool byteFallback = model.value("byte_fallback", false);
        if (!byteFallback && !model.contains("unk_token"))
            throw InputError(
                path, 0,
                "neither a byte-level BPE tokenizer (no ByteLevel pre-tokenizer or decoder) nor a "
                "SentencePiece-style one (no byte_fallback or unk_token)");
        t.byteLevel_ = false;
        t.spDecoder_ = TokenDecoder::fromJson(doc.value("decoder", json()), path);
        const int32_t unk = model.contains("unk_token") && model["unk_token"].is_string()
                                ? t.bpe_.idOf(model["unk_token"].get<std::string>())
                                : -1;
        t.bpe_.setMissingCharacters(byteFallback, unk, model.value("fuse_unk", false));
    }

    if (doc.contains("added_tokens")) {
        const json& added = doc["added_tokens"];
        if (!added.is_array()) throw InputError(path, 0, "added_tokens must be an array");
        for (size_t i = 0; i < added.size(); ++i) {
            const json& a = added[i];
            if (!a.is_object() || !a.contains("id") || !a["id"].is_number_integer() ||
                !a.contains("content") || !a["content"].is_string() ||
                a["content"].get<std::string>().empty())
                throw InputError(path, 0,
                                 "added_tokens[" + std::to_string(i) + "] needs an integer id and content");
            AddedToken tok{a["id"].get<int32_t>(), a["content"].get<std::string>(), a.value("special", false),
                           a.value("lstrip", false), a.value("rstrip", false)};
            t.added_.push_back(std::move(tok));
        }
    }

    const fs::path configPath = fs::path(path).parent_path() / "tokenizer_config.json";
    if (fs::exists(configPath)) {
        const json config = readJsonDocument(configPath.string());
        if (config.is_object()) {
            auto idOfField = [&](const char* field) {
                const auto id =
                    config.contains(field) ? t.tokenId(tokenContent(config[field])) : std::nullopt;
                return id.value_or(-1);
            };
            t.eosId_ = idOfField("eos_token");
            t.bosId_ = idOfField("bos_token");
            t.padId_ = idOfField("pad_token");
            t.addBos_ = config.value("add_bos_token", false) && t.bosId_ >= 0;
            for (const char* field :
                 {"bos_token", "eos_token", "unk_token", "sep_token", "pad_token", "cls_token", "mask_token"})
                if (config.contains(field) && !tokenContent(config[field]).empty())
                    t.specialTokens_[field] = tokenContent(config[field]);
        }
        t.chatTemplate_ =
            findChatTemplate(fs::path(path).parent_path().string(), config, configPath.string());
    } else {
        t.chatTemplate_ =
            findChatTemplate(fs::path(path).parent_path().string(), json(), configPath.string());
    }
    t.finishSetup();
    return t;
}

Tokenizer Tokenizer::fromGpt2Files(const std::string& encoderJson, const std::string& mergesFile) {
    Tokenizer t;
    readVocab(t.bpe_, readJsonDocument(encoderJson), encoderJson, "encoder");
    const std::string merges = readInputFile(mergesFile);
    int64_t line = 0;
    size_t start = 0;
    while (start < merges.size()) {
        size_t end = merges.find('\n', start);
        if (end == std::string::npos) end = merges.size();
        std::string_view l(merges.data() + start, end - start);
        ++line;
        if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
        if (!l.empty() && !text::startsWith(l, "#version")) {
            const size_t space = l.find(' ', 1);
            if (space == std::string_view::npos || l.find(' ', space + 1) != std::string_view::npos)
                throw InputError(mergesFile, line, "a merge line must be two tokens separated by one space",
                                 static_cast<int64_t>(start));
            if (!t.bpe_.addMerge(std::string(l.substr(0, space)), std::string(l.substr(space + 1))))
                throw InputError(mergesFile, line, "merges tokens missing from " + encoderJson,
                                 static_cast<int64_t>(start));
        }
        start = end + 1;
    }
    t.pre_.addRegex(kGpt2SplitPattern);
    if (auto eot = t.bpe_.idOf("<|endoftext|>"); eot >= 0) {
        t.added_.push_back({eot, "<|endoftext|>", true, false, false});
        t.eosId_ = t.bosId_ = eot;
    }
    t.finishSetup();
    return t;
}

Tokenizer Tokenizer::fromDirectory(const std::string& dir) {
    const fs::path d(dir);
    if (fs::exists(d / "tokenizer.json")) return fromTokenizerJson((d / "tokenizer.json").string());
    if (fs::exists(d / "vocab.json") && fs::exists(d / "merges.txt"))
        return fromGpt2Files((d / "vocab.json").string(), (d / "merges.txt").string());
    if (fs::exists(d / "encoder.json") && fs::exists(d / "vocab.bpe"))
        return fromGpt2Files((d / "encoder.json").string(), (d / "vocab.bpe").string());
    throw InputError(dir, 0,
                     "no tokenizer here: expected tokenizer.json, vocab.json + merges.txt, or "
                     "encoder.json + vocab.bpe");
}

void Tokenizer::finishSetup() {
    std::stable_sort(added_.begin(), added_.end(), [](const AddedToken& a, const AddedToken& b) {
        return a.content.size() > b.content.size();
    });
    vocabSize_ = bpe_.maxId() + 1;
    for (const AddedToken& a : added_)
        vocabSize_ = std::max(vocabSize_, a.id + 1);
}

std::optional<int32_t> Tokenizer::tokenId(std::string_view token) const {
    for (const AddedToken& a : added_)
        if (a.content == token) return a.id;
    if (const int32_t id = bpe_.idOf(token); id >= 0) return id;
    return std::nullopt;
}

const AddedToken* Tokenizer::addedById(int32_t id) const {
    for (const AddedToken& a : added_)
        if (a.id == id) return &a;
    return nullptr;
}

bool Tokenizer::isSpecial(int32_t id) const {
    const AddedToken* a = addedById(id);
    return a && a->special;
}

void Tokenizer::encodeSegment(std::string_view segment, bool atStart, std::vector<int32_t>& out) const {
    if (segment.empty()) return;
    std::string text = normalizer_.apply(segment);
    if (text.empty()) return;
    if (metaspace_.on) {
        const std::string& r = metaspace_.replacement;
        std::string spaced;
        for (const char c : text)
            if (c == ' ')
                spaced.append(r);
            else
                spaced.push_back(c);
        const bool prepend = metaspace_.prepend == Metaspace::Prepend::Always ||
                             (metaspace_.prepend == Metaspace::Prepend::First && atStart);
        if (prepend && spaced.compare(0, r.size(), r) != 0) spaced.insert(0, r);
        if (!metaspace_.split) {
            bpe_.encodeWord(spaced, out);
            return;
        }
        // Each word begins at a replacement character (HF: split on it, merged with what follows).
        size_t start = 0;
        for (size_t at = spaced.find(r, 1); at != std::string::npos; at = spaced.find(r, at + r.size())) {
            bpe_.encodeWord(std::string_view(spaced).substr(start, at - start), out);
            start = at;
        }
        bpe_.encodeWord(std::string_view(spaced).substr(start), out);
        return;
    }
    if (addPrefixSpace_ && !isWhitespaceByte(text.front())) text.insert(text.begin(), ' ');
    const std::vector<std::string_view> pieces =
        pre_.empty() ? std::vector<std::string_view>{text} : pre_.split(text);
    for (std::string_view piece : pieces)
        bpe_.encodeWord(byteLevel_ ? bytesToByteLevel(piece) : std::string(piece), out);
}

std::vector<int32_t> Tokenizer::encode(std::string_view text, bool parseSpecial) const {
    if (const int64_t bad = text::invalidUtf8Offset(text); bad >= 0)
        throw std::invalid_argument("text to encode is not valid UTF-8 (byte " + std::to_string(bad) + ")");
    std::vector<int32_t> out;
    size_t segmentStart = 0, at = 0;
    while (at < text.size()) {
        const AddedToken* hit = nullptr;
        for (const AddedToken& a : added_) {
            if ((a.special && !parseSpecial) || text.compare(at, a.content.size(), a.content) != 0) continue;
            hit = &a; // longest first
            break;
        }
        if (!hit) {
            ++at;
            continue;
        }
        size_t before = at, after = at + hit->content.size();
        if (hit->lstrip)
            while (before > segmentStart && isWhitespaceByte(text[before - 1]))
                --before;
        if (hit->rstrip)
            while (after < text.size() && isWhitespaceByte(text[after]))
                ++after;
        encodeSegment(text.substr(segmentStart, before - segmentStart), segmentStart == 0, out);
        out.push_back(hit->id);
        segmentStart = at = after;
    }
    encodeSegment(text.substr(segmentStart), segmentStart == 0, out);
    return out;
}

std::string Tokenizer::decodeBytes(const std::vector<int32_t>& ids, bool skipSpecial) const {
    if (!byteLevel_) {
        // HF runs every token's string through the decoder chain, added tokens' contents included.
        std::vector<std::string> tokens;
        for (int32_t id : ids) {
            if (const AddedToken* a = addedById(id)) {
                if (!(skipSpecial && a->special)) tokens.push_back(a->content);
                continue;
            }
            const std::string& token = bpe_.tokenOf(id);
            if (token.empty())
                throw std::out_of_range("token id " + std::to_string(id) + " is not in the vocabulary");
            tokens.push_back(token);
        }
        return spDecoder_.decode(std::move(tokens));
    }
    std::string out, bytes;
    for (int32_t id : ids) {
        if (const AddedToken* a = addedById(id)) {
            if (!(skipSpecial && a->special)) out += a->content;
            continue;
        }
        const std::string& token = bpe_.tokenOf(id);
        if (token.empty())
            throw std::out_of_range("token id " + std::to_string(id) + " is not in the vocabulary");
        if (byteLevelToBytes(token, bytes))
            out += bytes;
        else
            out += token; // a non-byte-level entry: its spelling is its text
    }
    return out;
}

std::vector<int32_t> Tokenizer::encodePrompt(std::string_view text) const {
    std::vector<int32_t> ids = encode(text);
    if (addBos_ && bosId_ >= 0 && (ids.empty() || ids.front() != bosId_)) ids.insert(ids.begin(), bosId_);
    return ids;
}

std::string Tokenizer::decode(const std::vector<int32_t>& ids, bool skipSpecial) const {
    return repairUtf8(decodeBytes(ids, skipSpecial));
}

std::string Tokenizer::applyChatTemplate(const std::vector<ChatMessage>& messages, bool addGenerationPrompt,
                                         const nlohmann::ordered_json& variables) const {
    const ChatTemplateFile& ct = chatTemplate_;
    if (!ct.declared) throw InputError("tokenizer_config.json", 0, "the tokenizer has no chat template");
    if (!ct.parsed) ct.fail(ct.line, ct.error);
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const ChatMessage& m : messages)
        list.push_back({{"role", m.role}, {"content", m.content}});
    nlohmann::ordered_json vars = specialTokens_;
    for (const auto& [k, v] : variables.items())
        vars[k] = v;
    try {
        return ct.parsed->render(list, addGenerationPrompt, vars);
    } catch (const tmpl::RaisedError& e) {
        ct.fail(0, std::string("the template refuses this conversation: ") + e.what());
    } catch (const tmpl::TemplateError& e) {
        ct.fail(e.line(), e.message());
    }
}

} // namespace gpo::model
