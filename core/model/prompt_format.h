#pragma once
// How a policy is asked a question. A checkpoint folder may say so in gpo_prompt.json:
//   {"template": "Question: {question}\nAnswer:\n"}                   plain text around the question
//   {"chat": true, "system": "...", "instruction": "...", "thinking": false}
//                                                                      through the model's chat template
// Without that file: the model's chat template when it has one, rendered as transformers renders it
// (its own default system turn included), with the step-by-step, \boxed{} instruction of the
// math-reasoning literature after the question unless the template already says it; else the plain
// template above. "thinking" is passed to the template as enable_thinking (Qwen3 and the like).
#include "model/tokenizer.h"

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace gpo::model {

struct PromptFormat {
    bool chat = false;
    std::string templ = "Question: {question}\nAnswer:\n"; ///< plain: "{question}" is replaced
    std::string system;           ///< chat: a system message (else the template's default)
    std::string instruction;      ///< chat: appended to the question
    std::optional<bool> thinking; ///< chat: enable_thinking, when set

    /// The format for the checkpoint in `dir` (its gpo_prompt.json, else the default for `tok`). Throws
    /// InputError naming the file when gpo_prompt.json is malformed, or naming the template file and line
    /// when the model's chat template cannot be rendered and gpo_prompt.json does not say otherwise.
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
