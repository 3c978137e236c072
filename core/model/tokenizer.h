#pragma once
// BPE tokenizers as Hugging Face `tokenizers` runs them, read from a tokenizer.json or from GPT-2's
// encoder.json + vocab.bpe (vocab.json + merges.txt): byte-level BPE (GPT-2, Qwen, Llama 3, DeepSeek;
// decode(encode(t)) == t for any UTF-8 text t) and SentencePiece-style BPE (Llama 2, Mistral: "▁" for
// spaces, <0xXX> byte fallback, unk; decode is HF's, which drops the space its normalizer prepended).
// Matches HF id for id (tests/reference/tokenizer_ids.py).
#include "model/bpe.h"
#include "model/chat_template_file.h"
#include "model/normalizer.h"
#include "model/pretokenizer.h"
#include "model/token_decoder.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gpo::model {

struct AddedToken {
    int32_t id = -1;
    std::string content;
    bool special = false;
    bool lstrip = false; // absorbs the whitespace before it
    bool rstrip = false; // absorbs the whitespace after it
};

struct ChatMessage {
    std::string role; // system, user, assistant
    std::string content;
};

class Tokenizer {
public:
    /// Reads tokenizer.json (and tokenizer_config.json beside it, when present, for special tokens and
    /// the chat template). Bad files throw InputError naming the file and the JSON path at fault.
    static Tokenizer fromTokenizerJson(const std::string& path);
    /// GPT-2's original files: an encoder (token -> id JSON) and a merges list.
    static Tokenizer fromGpt2Files(const std::string& encoderJson, const std::string& mergesFile);
    /// tokenizer.json in `dir`, else vocab.json + merges.txt, else encoder.json + vocab.bpe.
    static Tokenizer fromDirectory(const std::string& dir);

    /// Ids of `text`. With `parseSpecial`, special tokens written in the text (e.g. "<|im_end|>") become
    /// their ids; without it they are encoded as plain text. No BOS/EOS is added.
    std::vector<int32_t> encode(std::string_view text, bool parseSpecial = true) const;
    /// Ids of a prompt as the model is fed it: BOS first when the tokenizer adds one, unless the text
    /// already begins with it (a chat template writes its own; transformers then adds none either).
    std::vector<int32_t> encodePrompt(std::string_view text) const;
    /// The text of `ids`. Incomplete UTF-8 sequences (a cut mid-character) become U+FFFD.
    std::string decode(const std::vector<int32_t>& ids, bool skipSpecial = false) const;
    /// The raw bytes of `ids`, possibly ending mid-character (for incremental decoding).
    std::string decodeBytes(const std::vector<int32_t>& ids, bool skipSpecial = false) const;
    /// One token's text as `decode` would give it.
    std::string tokenText(int32_t id) const { return decode({id}); }

    /// Id of a vocabulary or added token spelled exactly so, if any.
    std::optional<int32_t> tokenId(std::string_view token) const;
    bool isSpecial(int32_t id) const;
    /// One past the largest id.
    int32_t vocabSize() const { return vocabSize_; }
    int32_t eosId() const { return eosId_; } // -1 when none is known
    int32_t bosId() const { return bosId_; }
    int32_t padId() const { return padId_; }
    void setEosId(int32_t id) { eosId_ = id; }
    bool addsBos() const { return addBos_; }

    /// The prompt for a conversation, rendered by the checkpoint's chat template as transformers'
    /// apply_chat_template renders it (with bos_token, eos_token, ... and `variables` such as
    /// enable_thinking). Throws InputError naming the template's file and line when there is no usable
    /// template or the template refuses the conversation (its raise_exception message).
    std::string
    applyChatTemplate(const std::vector<ChatMessage>& messages, bool addGenerationPrompt,
                      const nlohmann::ordered_json& variables = nlohmann::ordered_json::object()) const;
    /// Whether there is a chat template that parsed.
    bool hasChatTemplate() const { return chatTemplate_.parsed != nullptr; }
    /// Whether a chat template was found at all (it may not have parsed: chatTemplateError()).
    bool declaresChatTemplate() const { return chatTemplate_.declared; }
    const ChatTemplateFile& chatTemplate() const { return chatTemplate_; }
    /// bos_token, eos_token, unk_token, sep_token, pad_token, cls_token, mask_token as
    /// tokenizer_config.json names them (the ones it sets), as chat templates see them.
    const nlohmann::ordered_json& specialTokenStrings() const { return specialTokens_; }
    /// "byte-level BPE" or "SentencePiece-style BPE".
    const char* kind() const { return byteLevel_ ? "byte-level BPE" : "SentencePiece-style BPE"; }

private:
    void finishSetup();
    /// `atStart`: the piece begins the text (Metaspace's prepend_scheme "first" prepends only there).
    void encodeSegment(std::string_view text, bool atStart, std::vector<int32_t>& out) const;
    const AddedToken* addedById(int32_t id) const;

    BpeModel bpe_;
    PreTokenizer pre_;
    std::vector<AddedToken> added_; // longest content first, for matching
    Normalizer normalizer_;
    bool byteLevel_ = true;  ///< false: SentencePiece-style (raw characters in the vocabulary)
    TokenDecoder spDecoder_; ///< SentencePiece-style decoding
    struct Metaspace {
        bool on = false;
        std::string replacement = "\xE2\x96\x81"; // ▁
        enum class Prepend { Always, First, Never } prepend = Prepend::Always;
        bool split = false; // words begin at each replacement character
    } metaspace_;           ///< the Metaspace pre-tokenizer (newer Llama 2 / Mistral / Gemma conversions)
    bool addPrefixSpace_ = false;
    bool addBos_ = false;
    ChatTemplateFile chatTemplate_;
    nlohmann::ordered_json specialTokens_ = nlohmann::ordered_json::object();
    int32_t vocabSize_ = 0;
    int32_t eosId_ = -1, bosId_ = -1, padId_ = -1;
};

} // namespace gpo::model
