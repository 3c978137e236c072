#include "data/answer_extraction.h"

#include "util/text.h"

#include <utility>
#include <vector>

namespace gpo::extract {
namespace {

/// Reads a {…} group starting at `open` (which must be '{'); returns its content and sets `end` past it.
std::optional<std::string> braceGroup(std::string_view text, size_t open, size_t& end) {
    if (open >= text.size() || text[open] != '{') return std::nullopt;
    int depth = 0;
    for (size_t i = open; i < text.size(); ++i) {
        if (text[i] == '\\' && i + 1 < text.size()) {
            ++i; // an escaped brace does not count
            continue;
        }
        if (text[i] == '{') ++depth;
        if (text[i] == '}' && --depth == 0) {
            end = i + 1;
            return std::string(text.substr(open + 1, i - open - 1));
        }
    }
    return std::nullopt;
}

size_t rfindCaseInsensitive(std::string_view haystack, std::string_view needle) {
    const std::string lower = text::toLower(haystack);
    return lower.rfind(text::toLower(needle));
}

bool numberChar(char c) {
    return text::isDigit(c);
}

/// Every number in `text` as [begin, end) with its digits (separators dropped).
std::vector<std::string> numbers(std::string_view text) {
    std::vector<std::string> out;
    size_t i = 0;
    while (i < text.size()) {
        const bool startsNumber =
            numberChar(text[i]) || (text[i] == '.' && i + 1 < text.size() && numberChar(text[i + 1]));
        if (!startsNumber) {
            ++i;
            continue;
        }
        std::string num;
        if (i > 0 && text[i - 1] == '-' && (i < 2 || !text::isAlpha(text[i - 2]))) num.push_back('-');
        bool seenDot = false;
        while (i < text.size()) {
            const char c = text[i];
            if (numberChar(c)) {
                num.push_back(c);
                ++i;
            } else if (c == ',' && !seenDot && i + 3 < text.size() && numberChar(text[i + 1]) &&
                       numberChar(text[i + 2]) && numberChar(text[i + 3]) &&
                       (i + 4 == text.size() || !numberChar(text[i + 4]))) {
                ++i; // thousands separator: 2,800
            } else if (c == '.' && !seenDot && i + 1 < text.size() && numberChar(text[i + 1])) {
                seenDot = true;
                num.push_back(c);
                ++i;
            } else {
                break;
            }
        }
        out.push_back(num);
    }
    return out;
}

std::string cutAtSentenceEnd(std::string_view s) {
    // The stated answer runs to the end of the line; a ". " followed by more prose ends it too.
    size_t nl = s.find('\n');
    std::string_view line = s.substr(0, nl);
    for (size_t i = 0; i + 1 < line.size(); ++i) {
        if (line[i] == '.' && line[i + 1] == ' ' &&
            !(i > 0 && text::isDigit(line[i - 1]) && i + 2 < line.size() && text::isDigit(line[i + 2]))) {
            line = line.substr(0, i);
            break;
        }
    }
    return text::trimmed(line);
}

} // namespace

std::optional<std::string> lastBoxed(std::string_view text) {
    size_t best = std::string_view::npos;
    size_t nameLen = 0;
    for (std::string_view name : {std::string_view("\\boxed"), std::string_view("\\fbox")}) {
        const size_t p = text.rfind(name);
        if (p != std::string_view::npos && (best == std::string_view::npos || p > best)) {
            best = p;
            nameLen = name.size();
        }
    }
    if (best == std::string_view::npos) return std::nullopt;
    size_t i = best + nameLen;
    if (i < text.size() && text[i] == '{') {
        size_t end = 0;
        return braceGroup(text, i, end);
    }
    if (i < text.size() && text[i] == ' ') { // "\boxed 5"
        while (i < text.size() && text[i] == ' ')
            ++i;
        size_t e = i;
        while (e < text.size() && text[e] != '$' && !text::isSpace(text[e]))
            ++e;
        if (e > i) return std::string(text.substr(i, e - i));
    }
    return std::nullopt;
}

namespace {

struct Box {
    size_t begin, end; // the \boxed command to past its closing brace
    std::string content;
};

std::vector<Box> boxes(std::string_view text) {
    std::vector<Box> out;
    for (size_t at = 0; at < text.size();) {
        const size_t b = text.find("\\boxed{", at), f = text.find("\\fbox{", at);
        const size_t p = std::min(b, f);
        if (p == std::string_view::npos) break;
        const size_t open = p + (p == b ? 6 : 5);
        size_t end = 0;
        auto content = braceGroup(text, open, end);
        if (!content) break;
        out.push_back({p, end, *content});
        at = end;
    }
    return out;
}

/// Whether only list separators stand between two boxes: spaces, commas, "and"/"or", \quad, math delimiters.
bool onlySeparators(std::string_view gap) {
    std::string g(gap);
    for (const char* token :
         {"\\text{ and }", "\\text{and}", "\\text{ or }", "\\text{or}", "\\text{, }", "\\mbox{ and }",
          "\\qquad", "\\quad", "\\(", "\\)", "\\[", "\\]", "\\,", "\\;", "\\ "})
        g = text::replaceAll(g, token, " ");
    std::string words;
    for (char c : g)
        words.push_back(c == ',' || c == ';' || c == '$' || c == '.' ? ' ' : c);
    for (const std::string& w : text::split(text::collapseWhitespace(words), ' '))
        if (!w.empty() && w != "and" && w != "or") return false;
    return true;
}

} // namespace

std::optional<std::string> lastBoxedRun(std::string_view text) {
    const std::vector<Box> all = boxes(text);
    if (all.empty()) return lastBoxed(text);
    size_t first = all.size() - 1;
    while (first > 0 &&
           onlySeparators(text.substr(all[first - 1].end, all[first].begin - all[first - 1].end)))
        --first;
    if (first == all.size() - 1 || lastBoxed(text) != all.back().content) return lastBoxed(text);
    std::string joined;
    for (size_t i = first; i < all.size(); ++i)
        joined += (joined.empty() ? "" : ",") + all[i].content;
    return joined;
}

std::optional<std::string> afterHashes(std::string_view text) {
    const size_t p = text.rfind("####");
    if (p == std::string_view::npos) return std::nullopt;
    std::string_view rest = text.substr(p + 4);
    rest = rest.substr(0, rest.find('\n'));
    std::string out = text::trimmed(rest);
    if (out.empty()) return std::nullopt;
    return out;
}

std::optional<std::string> answerPhrase(std::string_view text) {
    // PRM800K's generator ends with a heading line "# Answer" and the answer below it.
    if (const size_t h = text.rfind("# Answer"); h != std::string_view::npos) {
        std::string answer = stripMathDelimiters(text::trim(text.substr(h + 8)));
        if (!answer.empty() && answer.find('\n') == std::string::npos) return answer;
    }
    static const std::vector<std::string_view> phrases = {
        "the final answer is", "final answer:", "the answer is", "answer is:", "answer is", "answer:"};
    size_t bestPos = std::string_view::npos, bestLen = 0;
    for (std::string_view phrase : phrases) {
        const size_t p = rfindCaseInsensitive(text, phrase);
        if (p != std::string_view::npos && (bestPos == std::string_view::npos || p > bestPos ||
                                            (p + phrase.size() > bestPos + bestLen && p <= bestPos))) {
            if (bestPos == std::string_view::npos || p >= bestPos) {
                bestPos = p;
                bestLen = phrase.size();
            }
        }
    }
    if (bestPos == std::string_view::npos) return std::nullopt;
    std::string_view rest = text.substr(bestPos + bestLen);
    while (!rest.empty() && (rest.front() == ' ' || rest.front() == ':' || rest.front() == '\t'))
        rest.remove_prefix(1);
    // "The final answer is: \[ -\frac{1}{2}. \]": a display or inline math runs to its closing delimiter.
    for (auto [open, close] : {std::pair{"\\[", "\\]"}, std::pair{"$$", "$$"}, std::pair{"\\(", "\\)"}}) {
        if (!text::startsWith(rest, open)) continue;
        const size_t end = rest.find(close, std::string_view(open).size());
        if (end == std::string_view::npos) break;
        std::string answer = stripMathDelimiters(rest.substr(0, end + std::string_view(close).size()));
        if (!answer.empty()) return answer;
    }
    if (text::startsWith(rest, "$")) {
        if (const size_t end = rest.find('$', 1); end != std::string_view::npos) {
            std::string answer = stripMathDelimiters(rest.substr(0, end + 1));
            if (!answer.empty()) return answer;
        }
    }
    std::string answer = stripMathDelimiters(cutAtSentenceEnd(rest));
    if (answer.empty()) return std::nullopt;
    return answer;
}

std::vector<std::string> allNumbers(std::string_view text) {
    return numbers(text);
}

std::optional<std::string> lastNumber(std::string_view text) {
    auto all = numbers(text);
    if (all.empty()) return std::nullopt;
    return all.back();
}

std::optional<std::string> firstNumber(std::string_view text) {
    auto all = numbers(text);
    if (all.empty()) return std::nullopt;
    return all.front();
}

std::string stripMathDelimiters(std::string_view s) {
    std::string out = text::trimmed(s);
    auto strip = [&](std::string_view open, std::string_view close) {
        if (out.size() >= open.size() + close.size() && text::startsWith(out, open) &&
            text::endsWith(out, close)) {
            out = text::trimmed(
                std::string_view(out).substr(open.size(), out.size() - open.size() - close.size()));
            return true;
        }
        return false;
    };
    for (bool changed = true; changed;) {
        changed = false;
        while (!out.empty() && (out.back() == '.' || out.back() == ',' || out.back() == ';')) {
            out.pop_back();
            changed = true;
        }
        out = text::trimmed(out);
        changed =
            strip("$$", "$$") || strip("$", "$") || strip("\\(", "\\)") || strip("\\[", "\\]") || changed;
    }
    return out;
}

std::optional<char> choiceLetter(std::string_view input) {
    auto letterOf = [](std::string_view s) -> std::optional<char> {
        std::string t = stripMathDelimiters(s);
        for (std::string_view wrap : {"\\text{", "\\textbf{", "\\mathrm{", "\\mathbf{"}) {
            if (text::startsWith(t, wrap) && text::endsWith(t, "}"))
                t = t.substr(wrap.size(), t.size() - wrap.size() - 1);
        }
        t = text::trimmed(t);
        if (t.size() >= 3 && t[0] == '(' && t[2] == ')') t = t.substr(1, 1) + t.substr(3);
        t = text::trimmed(t);
        if (t.empty() || t[0] < 'A' || t[0] > 'Z') return std::nullopt;
        // "C", "C.", "C)", "C: 42", "C) 42" — a letter standing alone at the start.
        if (t.size() == 1 || t[1] == '.' || t[1] == ')' || t[1] == ':' || t[1] == ' ' || t[1] == ',')
            return t[0];
        return std::nullopt;
    };
    if (auto b = lastBoxed(input))
        if (auto c = letterOf(*b)) return c;
    if (auto p = answerPhrase(input))
        if (auto c = letterOf(*p)) return c;
    if (auto c = letterOf(input)) return c;
    // A "(C)" in the last non-empty line.
    std::string_view body = text::trim(input);
    std::string_view lastLine =
        body.substr(body.rfind('\n') == std::string_view::npos ? 0 : body.rfind('\n') + 1);
    for (size_t i = lastLine.size(); i >= 3; --i) {
        const size_t k = i - 3;
        if (lastLine[k] == '(' && lastLine[k + 2] == ')' && lastLine[k + 1] >= 'A' && lastLine[k + 1] <= 'Z')
            return lastLine[k + 1];
    }
    return std::nullopt;
}

} // namespace gpo::extract
