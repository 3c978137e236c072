#pragma once
// Splits a template into text and tag tokens the way jinja2's lexer does with transformers'
// settings: trim_blocks, lstrip_blocks, "-"/"+" whitespace control, a trailing newline dropped.
#include <string>
#include <string_view>
#include <vector>

namespace gpo::tmpl {

enum class TokenType {
    Text,
    VariableBegin,
    VariableEnd,
    BlockBegin,
    BlockEnd,
    Name,
    String,
    Integer,
    Float,
    Operator,
    End
};

struct Token {
    TokenType type;
    std::string text; ///< text, name, decoded string literal, number or operator spelling
    int line = 1;
};

/// Throws TemplateError naming the line of an unclosed tag, comment or string.
std::vector<Token> tokenize(std::string_view source);

} // namespace gpo::tmpl
