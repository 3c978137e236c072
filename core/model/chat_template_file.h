#pragma once
// Finds a checkpoint's chat template as transformers does: chat_template.jinja beside the tokenizer,
// else tokenizer_config.json's "chat_template" (a string, or a list of named templates of which
// "default" is used), and parses it. A template that cannot be parsed is kept as an error naming the
// file and line, so loading the tokenizer still works and asking for the chat prompt says why not.
#include "template/chat_template.h"

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

namespace gpo::model {

struct ChatTemplateFile {
    std::shared_ptr<const tmpl::ChatTemplate> parsed; ///< null when absent or unreadable
    bool declared = false;                            ///< some template was found
    std::string file;                                 ///< chat_template.jinja or tokenizer_config.json
    bool inConfig = false;                            ///< the "chat_template" key of tokenizer_config.json
    std::string error;                                ///< why it could not be parsed
    int line = 0;                                     ///< the template line of `error`

    /// Throws InputError naming the file (and key) and the template line.
    [[noreturn]] void fail(int templateLine, const std::string& message) const;
};

/// `dir`: the tokenizer's folder; `config`: its tokenizer_config.json (null when absent). Throws
/// InputError when "chat_template" has a type no template has.
ChatTemplateFile findChatTemplate(const std::string& dir, const nlohmann::json& config,
                                  const std::string& configPath);

} // namespace gpo::model
