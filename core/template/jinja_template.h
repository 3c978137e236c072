#pragma once
// A parsed Jinja template, rendered as jinja2's ImmutableSandboxedEnvironment renders it with the
// settings of transformers' apply_chat_template (trim_blocks, lstrip_blocks, loop controls, the
// {% generation %} tag). What it does not support is refused when parsed, by name and line.
#include "template/ast.h"

#include <string>
#include <string_view>

namespace gpo::tmpl {

class JinjaTemplate {
public:
    /// Throws TemplateError naming the line at fault.
    explicit JinjaTemplate(std::string_view source);
    /// Renders with `variables` over the chat-template globals. Throws TemplateError, or RaisedError
    /// for the template's own raise_exception().
    std::string render(const ValueDict& variables) const;

private:
    Body body_;
};

} // namespace gpo::tmpl
