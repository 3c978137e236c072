#pragma once
// How a policy is asked a question. A checkpoint folder may say so in gpo_prompt.json:
//   {"template": "Question: {question}\nAnswer:\n"}                   plain text around the question
//   {"chat": true, "system": "...", "instruction": "..."}             through the tokenizer's chat template
// Without that file: the chat template when the tokenizer has one (with the usual step-by-step,
// \boxed{} instruction of the math-reasoning literature), else the plain template above.
#include "model/tokenizer.h"

#include <nlohmann/json.hpp>
#include <string>

namespace gpo::model {

struct PromptFormat {
    bool chat = false;
    std::string templ = "Question: {question}\nAnswer:\n"; ///< plain: "{question}" is replaced
    std::string system;                                    ///< chat: an optional system message
    std::string instruction;                               ///< chat: appended to the question

    /// The format for the checkpoint in `dir` (its gpo_prompt.json, else the default for `tok`). Throws
    /// InputError naming the file when gpo_prompt.json is malformed.
    static PromptFormat forCheckpoint(const std::string& dir, const Tokenizer& tok);
    /// A format as toJson() or gpo_prompt.json writes it; `where` names its origin in errors.
    static PromptFormat fromJson(const nlohmann::json& j, const Tokenizer& tok, const std::string& where);
    /// A plain template; throws std::invalid_argument when it has no "{question}".
    static PromptFormat plain(const std::string& templ);

    std::string render(const std::string& question, const Tokenizer& tok) const;
    nlohmann::json toJson() const;
    /// Writes gpo_prompt.json into `dir`.
    void save(const std::string& dir) const;
};

} // namespace gpo::model
