#include "template/chat_template.h"

#include "template/template_error.h"

namespace gpo::tmpl {
namespace {

using ojson = nlohmann::ordered_json;

// transformers' _normalize_chat_messages and _alias_reasoning_fields.
Value normalizedMessages(const ojson& messages) {
    if (!messages.is_array()) throw TemplateError("messages must be a list", 0);
    ValueList out;
    for (const ojson& m : messages) {
        if (!m.is_object()) throw TemplateError("Chat messages should be dicts", 0);
        ojson kept = ojson::object();
        for (const auto& [k, v] : m.items())
            if (!v.is_null()) kept[k] = v;
        const ojson* reasoning = nullptr;
        for (const char* field : {"reasoning_content", "thinking", "reasoning"})
            if (kept.contains(field)) {
                reasoning = &kept[field];
                break;
            }
        if (reasoning) {
            ojson aliased = ojson::object();
            const ojson r = *reasoning;
            aliased["thinking"] = r;
            for (const auto& [k, v] : kept.items())
                if (k != "thinking")
                    aliased[k] = v;
                else
                    aliased["thinking"] = v;
            aliased["reasoning_content"] = r;
            kept = std::move(aliased);
        }
        out.push_back(Value::fromJson(kept));
    }
    return Value::list(std::move(out));
}

} // namespace

ChatTemplate::ChatTemplate(std::string source)
    : source_(std::move(source)), compiled_(std::make_shared<JinjaTemplate>(source_)) {}

std::string ChatTemplate::render(const ojson& messages, bool addGenerationPrompt,
                                 const ojson& variables) const {
    ValueDict vars;
    vars.set("messages", normalizedMessages(messages));
    vars.set("tools", Value::none());
    vars.set("documents", Value::none());
    vars.set("add_generation_prompt", Value::boolean(addGenerationPrompt));
    if (variables.is_object())
        for (const auto& [k, v] : variables.items())
            vars.set(k, Value::fromJson(v));
    return compiled_->render(vars);
}

} // namespace gpo::tmpl
