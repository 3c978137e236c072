#pragma once
// A model's chat template rendered as transformers' apply_chat_template(tokenize=False) renders it:
// messages with their None-valued keys dropped and reasoning aliased (reasoning_content, thinking),
// tools and documents (None when not given), add_generation_prompt, the tokenizer's special tokens
// and any further template variables (enable_thinking, date_string, ...).
#include "template/jinja_template.h"

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

namespace gpo::tmpl {

class ChatTemplate {
public:
    /// Parses `source`; throws TemplateError naming the line it cannot read.
    explicit ChatTemplate(std::string source);

    /// `variables`: bos_token, eos_token, ..., tools, documents and template kwargs such as
    /// enable_thinking. Throws TemplateError, or RaisedError for the template's raise_exception().
    std::string render(const nlohmann::ordered_json& messages, bool addGenerationPrompt,
                       const nlohmann::ordered_json& variables = nlohmann::ordered_json::object()) const;
    const std::string& source() const { return source_; }

private:
    std::string source_;
    std::shared_ptr<const JinjaTemplate> compiled_;
};

} // namespace gpo::tmpl
