#pragma once
// Builds the statement tree of a template from its tokens; jinja2's grammar and precedence. What
// chat templates do not use (extends, include, import, call blocks, recursive loops) is refused by name.
#include "template/ast.h"
#include "template/lexer.h"

namespace gpo::tmpl {

/// Throws TemplateError with the line of the first construct it cannot read.
Body parseTemplate(const std::vector<Token>& tokens);

} // namespace gpo::tmpl
