#include "template/lexer.h"

#include "template/py_string.h"
#include "template/template_error.h"

#include <array>
#include <cstdint>

namespace gpo::tmpl {
namespace {

// jinja2 reads the source line by line: every line ending becomes "\n" and one final one is dropped.
std::string normalizeNewlines(std::string_view in) {
    std::string out;
    out.reserve(in.size());
    for (size_t i = 0; i < in.size(); ++i) {
        if (in[i] == '\r') {
            out.push_back('\n');
            if (i + 1 < in.size() && in[i + 1] == '\n') ++i;
        } else {
            out.push_back(in[i]);
        }
    }
    if (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
}

bool isSpaceChar(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
bool isNameStart(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool isNameChar(char c) {
    return isNameStart(c) || (c >= '0' && c <= '9');
}
bool isDigitChar(char c) {
    return c >= '0' && c <= '9';
}

int countNewlines(std::string_view s, size_t from, size_t to) {
    int n = 0;
    for (size_t i = from; i < to; ++i)
        n += s[i] == '\n';
    return n;
}

/// Python whitespace after `at` (what "-%}\s*" eats).
size_t skipPyWhitespace(const std::string& s, size_t at) {
    while (at < s.size()) {
        const auto b = static_cast<unsigned char>(s[at]);
        if (b < 0x80) {
            if (!py::isWhitespace(b)) break;
            ++at;
            continue;
        }
        size_t n = (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : 4;
        const std::u32string c = py::decode(std::string_view(s).substr(at, n));
        if (c.size() != 1 || !py::isWhitespace(c[0])) break;
        at += n;
    }
    return at;
}

int hexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// jinja2 decodes string literals with Python's "unicode-escape"; unknown escapes stay as written.
std::string decodeStringLiteral(std::string_view body, int line) {
    std::string out;
    for (size_t i = 0; i < body.size(); ++i) {
        if (body[i] != '\\' || i + 1 == body.size()) {
            out.push_back(body[i]);
            continue;
        }
        const char e = body[++i];
        switch (e) {
        case 'n':
            out.push_back('\n');
            break;
        case 't':
            out.push_back('\t');
            break;
        case 'r':
            out.push_back('\r');
            break;
        case 'b':
            out.push_back('\b');
            break;
        case 'f':
            out.push_back('\f');
            break;
        case 'v':
            out.push_back('\v');
            break;
        case 'a':
            out.push_back('\a');
            break;
        case '\\':
            out.push_back('\\');
            break;
        case '\'':
            out.push_back('\'');
            break;
        case '"':
            out.push_back('"');
            break;
        case '\n':
            break; // a backslash-newline continues the line
        case 'x':
        case 'u':
        case 'U': {
            const size_t digits = e == 'x' ? 2 : e == 'u' ? 4 : 8;
            char32_t c = 0;
            for (size_t k = 1; k <= digits; ++k) {
                const int h = i + k < body.size() ? hexValue(body[i + k]) : -1;
                if (h < 0)
                    throw TemplateError("truncated \\" + std::string(1, e) + " escape in a string", line);
                c = c * 16 + static_cast<char32_t>(h);
            }
            py::appendUtf8(out, c);
            i += digits;
            break;
        }
        default:
            if (e >= '0' && e <= '7') {
                char32_t c = 0;
                size_t k = 0;
                while (k < 3 && i + k < body.size() && body[i + k] >= '0' && body[i + k] <= '7')
                    c = c * 8 + static_cast<char32_t>(body[i + k++] - '0');
                py::appendUtf8(out, c);
                i += k - 1;
            } else {
                out.push_back('\\');
                out.push_back(e);
            }
        }
    }
    return out;
}

constexpr std::array<std::string_view, 25> kOperators = {"//", "**", "==", "!=", ">=", "<=", "+", "-", "*",
                                                         "/",  "%",  "~",  "<",  ">",  "=",  ".", ",", ":",
                                                         "|",  "(",  ")",  "[",  "]",  "{",  "}"};

class Lexer {
public:
    explicit Lexer(std::string_view source) : src_(normalizeNewlines(source)) {}

    std::vector<Token> run() {
        while (pos_ < src_.size()) {
            const size_t tag = nextTag(pos_);
            if (tag == std::string::npos) {
                emit(TokenType::Text, src_.substr(pos_));
                break;
            }
            const char kind = src_[tag + 1];
            const char sign =
                tag + 2 < src_.size() && (src_[tag + 2] == '-' || src_[tag + 2] == '+') ? src_[tag + 2] : 0;
            std::string text = src_.substr(pos_, tag - pos_);
            if (sign == '-') {
                text = py::strip(text, std::nullopt, false, true);
            } else if (sign != '+' && kind != '{') {
                const size_t lineStart = text.rfind('\n') == std::string::npos ? 0 : text.rfind('\n') + 1;
                if (lineStart > 0 || lineStarting_) {
                    const std::string rest = text.substr(lineStart);
                    if (!rest.empty() && py::strip(rest, std::nullopt, true, true).empty())
                        text.resize(lineStart);
                }
            }
            if (!text.empty()) emit(TokenType::Text, text);
            line_ += countNewlines(src_, pos_, tag);
            pos_ = tag + 2 + (sign ? 1 : 0);
            if (kind == '#') {
                comment(tag);
            } else if (kind == '%' && rawBlock()) {
                continue;
            } else {
                tag_(kind == '%');
            }
        }
        out_.push_back({TokenType::End, "", line_});
        return std::move(out_);
    }

private:
    size_t nextTag(size_t from) const {
        for (size_t at = src_.find('{', from); at != std::string::npos; at = src_.find('{', at + 1))
            if (at + 1 < src_.size() && (src_[at + 1] == '{' || src_[at + 1] == '%' || src_[at + 1] == '#'))
                return at;
        return std::string::npos;
    }

    void emit(TokenType type, std::string text) { out_.push_back({type, std::move(text), line_}); }

    /// After a block or comment end: "-" eats following whitespace, "+" keeps it, else one "\n" goes.
    void afterBlockEnd(char sign) {
        if (sign == '-') {
            const size_t to = skipPyWhitespace(src_, pos_);
            line_ += countNewlines(src_, pos_, to);
            pos_ = to;
            lineStarting_ = pos_ > 0 && src_[pos_ - 1] == '\n';
        } else if (sign != '+' && pos_ < src_.size() && src_[pos_] == '\n') {
            ++pos_;
            ++line_;
            lineStarting_ = true;
        } else {
            lineStarting_ = false;
        }
    }

    void comment(size_t tag) {
        const size_t end = src_.find("#}", pos_);
        if (end == std::string::npos) throw TemplateError("missing end of comment tag", line_);
        char sign = end > pos_ && (src_[end - 1] == '-' || src_[end - 1] == '+') ? src_[end - 1] : 0;
        line_ += countNewlines(src_, tag, end);
        pos_ = end + 2;
        afterBlockEnd(sign);
    }

    /// {% raw %} ... {% endraw %}: the text between is output as written.
    bool rawBlock() {
        size_t p = pos_;
        while (p < src_.size() && isSpaceChar(src_[p]))
            ++p;
        if (src_.compare(p, 3, "raw") != 0 || (p + 3 < src_.size() && isNameChar(src_[p + 3]))) return false;
        p += 3;
        while (p < src_.size() && isSpaceChar(src_[p]))
            ++p;
        const bool strip = src_.compare(p, 3, "-%}") == 0;
        if (!strip && src_.compare(p, 2, "%}") != 0) return false;
        p += strip ? 3 : 2;
        if (strip) p = skipPyWhitespace(src_, p);
        for (size_t at = src_.find("{%", p); at != std::string::npos; at = src_.find("{%", at + 2)) {
            size_t q = at + 2;
            const char sign = q < src_.size() && (src_[q] == '-' || src_[q] == '+') ? src_[q] : 0;
            if (sign) ++q;
            while (q < src_.size() && isSpaceChar(src_[q]))
                ++q;
            if (src_.compare(q, 6, "endraw") != 0) continue;
            q += 6;
            while (q < src_.size() && isSpaceChar(src_[q]))
                ++q;
            char endSign = 0;
            if (q < src_.size() && (src_[q] == '-' || src_[q] == '+')) endSign = src_[q++];
            if (src_.compare(q, 2, "%}") != 0) continue;
            std::string text = src_.substr(p, at - p);
            if (sign == '-') text = py::strip(text, std::nullopt, false, true);
            if (!text.empty()) emit(TokenType::Text, text);
            line_ += countNewlines(src_, pos_, q);
            pos_ = q + 2;
            afterBlockEnd(endSign);
            return true;
        }
        throw TemplateError("missing end of raw directive", line_);
    }

    void tag_(bool block) {
        emit(block ? TokenType::BlockBegin : TokenType::VariableBegin, "");
        const int startLine = line_;
        std::vector<char> brackets;
        while (true) {
            while (pos_ < src_.size() && isSpaceChar(src_[pos_]))
                line_ += src_[pos_++] == '\n';
            if (pos_ >= src_.size())
                throw TemplateError(
                    std::string("unexpected end of template: unclosed ") + (block ? "{%" : "{{"), startLine);
            if (brackets.empty() && endsTag(block)) return;
            lexToken(brackets);
        }
    }

    bool endsTag(bool block) {
        const std::string_view close = block ? "%}" : "}}";
        char sign = 0;
        size_t p = pos_;
        if ((src_[p] == '-' || (block && src_[p] == '+')) && src_.compare(p + 1, 2, close) == 0)
            sign = src_[p++];
        if (src_.compare(p, 2, close) != 0) return false;
        pos_ = p + 2;
        emit(block ? TokenType::BlockEnd : TokenType::VariableEnd, "");
        if (block) {
            afterBlockEnd(sign);
        } else if (sign == '-') {
            const size_t to = skipPyWhitespace(src_, pos_);
            line_ += countNewlines(src_, pos_, to);
            pos_ = to;
            lineStarting_ = pos_ > 0 && src_[pos_ - 1] == '\n';
        } else {
            lineStarting_ = false;
        }
        return true;
    }

    void lexToken(std::vector<char>& brackets) {
        const char c = src_[pos_];
        if (isNameStart(c)) {
            size_t end = pos_;
            while (end < src_.size() && isNameChar(src_[end]))
                ++end;
            emit(TokenType::Name, src_.substr(pos_, end - pos_));
            pos_ = end;
            return;
        }
        if (isDigitChar(c)) {
            size_t end = pos_;
            auto digits = [&] {
                while (end < src_.size() &&
                       (isDigitChar(src_[end]) ||
                        (src_[end] == '_' && end + 1 < src_.size() && isDigitChar(src_[end + 1]))))
                    ++end;
            };
            digits();
            bool isFloat = false;
            if (end + 1 < src_.size() && src_[end] == '.' && isDigitChar(src_[end + 1])) {
                ++end;
                digits();
                isFloat = true;
            }
            if (end < src_.size() && (src_[end] == 'e' || src_[end] == 'E')) {
                size_t e = end + 1;
                if (e < src_.size() && (src_[e] == '+' || src_[e] == '-')) ++e;
                if (e < src_.size() && isDigitChar(src_[e])) {
                    end = e;
                    digits();
                    isFloat = true;
                }
            }
            std::string text;
            for (size_t i = pos_; i < end; ++i)
                if (src_[i] != '_') text.push_back(src_[i]);
            emit(isFloat ? TokenType::Float : TokenType::Integer, text);
            pos_ = end;
            return;
        }
        if (c == '\'' || c == '"') {
            size_t end = pos_ + 1;
            while (end < src_.size() && src_[end] != c)
                end += src_[end] == '\\' ? 2 : 1;
            if (end >= src_.size()) throw TemplateError("unterminated string", line_);
            emit(TokenType::String,
                 decodeStringLiteral(std::string_view(src_).substr(pos_ + 1, end - pos_ - 1), line_));
            line_ += countNewlines(src_, pos_, end);
            pos_ = end + 1;
            return;
        }
        for (std::string_view op : kOperators) {
            if (src_.compare(pos_, op.size(), op) != 0) continue;
            if (op == "(" || op == "[" || op == "{") {
                brackets.push_back(op == "(" ? ')' : op == "[" ? ']' : '}');
            } else if (op == ")" || op == "]" || op == "}") {
                if (brackets.empty() || brackets.back() != op[0])
                    throw TemplateError("unexpected '" + std::string(op) + "'", line_);
                brackets.pop_back();
            }
            emit(TokenType::Operator, std::string(op));
            pos_ += op.size();
            return;
        }
        throw TemplateError("unexpected character '" + std::string(1, c) + "'", line_);
    }

    std::string src_;
    size_t pos_ = 0;
    int line_ = 1;
    bool lineStarting_ = true;
    std::vector<Token> out_;
};

} // namespace

std::vector<Token> tokenize(std::string_view source) {
    return Lexer(source).run();
}

} // namespace gpo::tmpl
