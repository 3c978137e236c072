#include "data/answer_conclusion.h"

#include "data/answer_extraction.h"
#include "util/text.h"

#include <algorithm>
#include <array>
#include <functional>
#include <vector>

namespace gpo::extract {
namespace {

enum class Kind { Bold, Value, Expression };

struct Candidate {
    Kind kind;
    std::string text;
    bool result = false; ///< the last side of a computation: "16 x 3 = 48", "\(E = 32 - 14 = 18\)"
    /// A plain number the question gives ("the additional 14 points") or a preposition introduces ("in 4
    /// weeks"): the conclusion restates it.
    bool restated = false;
};

struct Sentence {
    std::string plain; ///< the sentence's text outside math and bold
    std::vector<Candidate> candidates;
    /// "(Notice that …)", "Note that …": a remark beside the conclusion.
    bool aside() const {
        const std::string_view t = text::trim(plain);
        return (text::startsWith(t, "(") && isProse(t)) ||
               text::startsWith(text::toLower(t.substr(0, 6)), "note");
    }
};

/// What the question gives: its numbers, and its text without spaces (to spot a condition it states).
struct Givens {
    std::vector<std::string> numbers;
    std::string squeezed;
};

std::string squeeze(std::string_view s) {
    std::string out;
    for (char c : s)
        if (!text::isSpace(c) && c != '$') out.push_back(c);
    return out;
}

bool hasDigit(std::string_view s) {
    return std::any_of(s.begin(), s.end(), text::isDigit);
}

/// A letter that names a variable: outside LaTeX command names and \text{…}-like groups (units, words).
bool hasVariable(std::string_view s) {
    static const std::array<std::string_view, 8> wordGroups = {"text",   "mathrm",       "mbox",  "textbf",
                                                               "textrm", "operatorname", "begin", "end"};
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\\') {
            size_t e = i + 1;
            while (e < s.size() && text::isAlpha(s[e]))
                ++e;
            const std::string_view command = s.substr(i + 1, e - i - 1);
            if (e < s.size() && s[e] == '{' &&
                std::find(wordGroups.begin(), wordGroups.end(), command) != wordGroups.end()) {
                const size_t close = text::matchingBrace(s, e);
                if (close == std::string_view::npos) return false;
                i = close;
                continue;
            }
            i = e - 1;
            continue;
        }
        if (text::isAlpha(s[i])) return true;
    }
    return false;
}

bool hasAny(std::string_view s, std::initializer_list<std::string_view> parts) {
    return std::any_of(parts.begin(), parts.end(),
                       [&](std::string_view p) { return s.find(p) != std::string_view::npos; });
}

/// What math (or bold) text states: a value, an expression in variables, or nothing to grade
/// (`$ABCD$`, `\(f(a)\)`, `\angle RPS`).
std::optional<Kind> classify(std::string_view written) {
    const std::string whole = stripMathDelimiters(written);
    const std::string v = lastSide(whole);
    if (v.empty()) return std::nullopt;
    const bool constant = hasDigit(v) || hasAny(v, {"\\pi", "\\infty", "\\sqrt", "\\frac"});
    if (!hasVariable(v)) return constant ? std::optional(Kind::Value) : std::nullopt;
    if (constant || hasAny(v, {"+", "-", "*", "/", "^", "\\cdot", "\\times"})) return Kind::Expression;
    return std::nullopt;
}

/// Calls `fn(begin, end, inDollarMath)` for every run of letters in `s`.
template <typename Fn> void forEachLetterRun(std::string_view s, Fn&& fn) {
    bool inMath = false;
    for (size_t i = 0; i < s.size();) {
        if (!text::isAlpha(s[i])) {
            if (s[i] == '$') inMath = !inMath;
            ++i;
            continue;
        }
        size_t e = i;
        while (e < s.size() && text::isAlpha(s[e]))
            ++e;
        fn(i, e, inMath);
        i = e;
    }
}

/// A run of three or more letters that is no LaTeX command: a word, not a variable.
bool hasWord(std::string_view s) {
    bool found = false;
    forEachLetterRun(s,
                     [&](size_t b, size_t e, bool) { found |= e - b >= 3 && (b == 0 || s[b - 1] != '\\'); });
    return found;
}

/// Where the `$` math opened at `open` closes, or npos when it is a currency sign: TeX-in-Markdown's rule
/// that `$` math neither starts nor ends with a space, and a closing `$` is not followed by a digit. Math
/// set off by a space on both sides ("$ \begin{pmatrix}…\end{pmatrix} $", "$ 9 $") is math too when it
/// holds a LaTeX command or no words, on one line.
size_t closingDollar(std::string_view p, size_t open) {
    if (open + 1 >= p.size()) return std::string_view::npos;
    const bool spaced = text::isSpace(p[open + 1]);
    for (size_t i = open + 1; i < p.size(); ++i) {
        if (p[i] == '\\') {
            ++i;
            continue;
        }
        if (p[i] != '$') continue;
        if (i + 1 < p.size() && text::isDigit(p[i + 1])) return std::string_view::npos;
        if (!spaced) return text::isSpace(p[i - 1]) ? std::string_view::npos : i;
        const std::string_view content = text::trim(p.substr(open + 1, i - open - 1));
        const bool command = content.find('\\') != std::string_view::npos;
        if (!text::isSpace(p[i - 1]) || content.empty() || content.find('\n') != std::string_view::npos ||
            (!command && (hasWord(content) || !hasDigit(content))))
            return std::string_view::npos;
        return i;
    }
    return std::string_view::npos;
}

/// A newline ends a sentence unless the line leads into what follows ("… is:", "… as", a display).
bool newlineEndsSentence(std::string_view p, size_t newline, const std::string& plainSoFar) {
    const std::string_view before = text::trim(plainSoFar);
    if (before.empty()) return false;
    const char last = before.back();
    if (last == ':' || last == ',' || last == '=') return false;
    const std::string_view next = text::trim(p.substr(newline + 1));
    return !(text::startsWith(next, "\\[") || text::startsWith(next, "$$"));
}

/// Whether a preposition introduces the number whose phrase ends at `end` (the text before the number):
/// "in 4 weeks", "per 2 hours", and across the words that only qualify a noun phrase: "for the remaining
/// 6 miles", "in the first 3 days". Such a number says where or how long, not what was asked.
bool introducedByPreposition(std::string_view t, size_t end) {
    static const std::array<std::string_view, 8> prepositions = {"in",    "for",  "per",   "within",
                                                                 "after", "over", "every", "each"};
    static const std::array<std::string_view, 26> qualifiers = {
        "the",  "a",    "an",    "remaining", "other",  "last",  "first",   "next", "additional",
        "rest", "of",   "these", "those",     "his",    "her",   "their",   "its",  "our",
        "my",   "your", "final", "whole",     "entire", "extra", "another", "same"};
    for (int words = 0; words < 4; ++words) {
        while (end > 0 && text::isSpace(t[end - 1]))
            --end;
        size_t start = end;
        while (start > 0 && text::isAlpha(t[start - 1]))
            --start;
        if (start == end) return false;
        const std::string word = text::toLower(t.substr(start, end - start));
        if (std::find(prepositions.begin(), prepositions.end(), word) != prepositions.end()) return true;
        if (std::find(qualifiers.begin(), qualifiers.end(), word) == qualifiers.end()) return false;
        end = start;
    }
    return false;
}

/// The numbers of plain text, each marked when a preposition introduces it ("in 4 weeks", "per 2 hours").
std::vector<Candidate> plainNumbers(std::string_view t, const Givens& given) {
    std::vector<Candidate> out;
    size_t from = 0;
    for (auto& n : allNumbers(t)) {
        // Find where this number is written, to read the word before it.
        size_t at = from;
        while (at < t.size() &&
               !(text::isDigit(t[at]) || (t[at] == '.' && at + 1 < t.size() && text::isDigit(t[at + 1]))))
            ++at;
        size_t end = at;
        while (end < t.size() && (text::isDigit(t[end]) || ((t[end] == ',' || t[end] == '.') &&
                                                            end + 1 < t.size() && text::isDigit(t[end + 1]))))
            ++end;
        from = end;
        if (at > 0 && text::isAlpha(t[at - 1])) continue; // part of a name: "sepehr2010", "x2"
        size_t w = at;
        while (w > 0 && (text::isSpace(t[w - 1]) || t[w - 1] == '$' || t[w - 1] == '-'))
            --w;
        const bool restated = introducedByPreposition(t, w) ||
                              std::find(given.numbers.begin(), given.numbers.end(), n) != given.numbers.end();
        const bool result = w > 0 && t[w - 1] == '=';
        out.push_back({Kind::Value, n, result, restated});
    }
    return out;
}

/// The paragraph cut into sentences, each with its bold text, math and plain numbers in order.
std::vector<Sentence> sentencesOf(std::string_view p, const Givens& given) {
    std::vector<Sentence> out(1);
    size_t spans = 0;    // math and bold spans in the current sentence
    std::string pending; // plain text since the last span: its numbers are read once, in order
    auto readNumbers = [&] {
        for (auto& n : plainNumbers(pending, given))
            out.back().candidates.push_back(std::move(n));
        pending.clear();
    };
    auto addPlain = [&](std::string_view t) {
        out.back().plain += t;
        pending += t;
    };
    auto endSentence = [&] {
        Sentence& s = out.back();
        const std::string bare = stripMathDelimiters(s.plain);
        // A sentence that is a bare answer, not prose: "(3, 2)", "4x - 7"; not a signature ("-sepehr2010").
        const auto kind = classify(bare);
        const bool bareAnswer = spans == 0 && !bare.empty() && bare.size() <= 60 && !isProse(bare) && kind &&
                                (*kind == Kind::Value || !hasWord(bare));
        if (bareAnswer) {
            s.candidates.push_back({*kind, bare});
            pending.clear();
        } else {
            readNumbers();
        }
        out.emplace_back();
        spans = 0;
    };
    auto span = [&](std::optional<Kind> kind, std::string_view content, bool display) {
        readNumbers();
        out.back().plain += ' ';
        // "satisfying \(a^2 + b^2 + c^2 = 1\)" restates the question's condition.
        const bool condition = content.find('=') != std::string_view::npos &&
                               given.squeezed.find(squeeze(content)) != std::string::npos;
        if (kind && !condition) {
            const bool result = *kind == Kind::Value && lastSide(content).size() < text::trim(content).size();
            // A value displayed alone ("… is: \[ 100 \]") is set off as bold text is.
            const Kind k = display && *kind == Kind::Value && !result ? Kind::Bold : *kind;
            out.back().candidates.push_back({k, std::string(content), result});
        }
        ++spans;
    };
    size_t i = 0;
    while (i < p.size()) {
        const std::string_view rest = p.substr(i);
        if (text::startsWith(rest, "**")) {
            const size_t close = p.find("**", i + 2);
            if (close != std::string_view::npos) {
                const std::string_view content = text::trim(p.substr(i + 2, close - i - 2));
                // "**Step 3:**" heads a part; "**a total of 34 hours**" is prose, read as the sentence is.
                if (!content.empty() && content.back() != ':' && !isProse(content)) {
                    span(classify(content) ? std::optional(Kind::Bold) : std::nullopt, content, false);
                } else if (!content.empty() && content.back() != ':') {
                    addPlain(std::string(content) + " ");
                }
                i = close + 2;
                continue;
            }
        }
        struct Delims {
            std::string_view open, close;
        };
        bool matched = false;
        for (const Delims d : {Delims{"$$", "$$"}, Delims{"\\(", "\\)"}, Delims{"\\[", "\\]"}}) {
            if (!text::startsWith(rest, d.open)) continue;
            const size_t close = p.find(d.close, i + d.open.size());
            if (close == std::string_view::npos) break;
            const std::string_view content =
                text::trim(p.substr(i + d.open.size(), close - i - d.open.size()));
            span(classify(content), content, d.open != "\\(");
            i = close + d.close.size();
            matched = true;
            break;
        }
        if (matched) continue;
        if (p[i] == '$' && (i == 0 || p[i - 1] != '\\')) {
            if (const size_t close = closingDollar(p, i); close != std::string_view::npos) {
                const std::string_view content = p.substr(i + 1, close - i - 1);
                span(classify(content), content, false);
                i = close + 1;
                continue;
            }
        }
        const char c = p[i];
        if (c == '\n' && newlineEndsSentence(p, i, out.back().plain)) {
            endSentence();
            ++i;
            continue;
        }
        addPlain(std::string_view(c == '\n' ? " " : p.substr(i, 1)));
        ++i;
        if ((c == '.' || c == '!' || c == '?') && (i == p.size() || text::isSpace(p[i]))) endSentence();
    }
    endSentence();
    return out;
}

bool has(const Sentence& s, Kind kind) {
    return std::any_of(s.candidates.begin(), s.candidates.end(),
                       [&](const Candidate& c) { return c.kind == kind; });
}

std::optional<std::string> pick(const Sentence& s) {
    const auto& c = s.candidates;
    auto last = [&](auto&& accept) -> std::optional<std::string> {
        for (auto it = c.rbegin(); it != c.rend(); ++it)
            if (accept(*it)) return stripMathDelimiters(it->text);
        return std::nullopt;
    };
    if (auto a = last([](const Candidate& x) { return x.kind == Kind::Bold; })) return a;
    // A computed result is never a restatement, even when it equals a number the question gives.
    if (auto a = last([](const Candidate& x) { return x.kind == Kind::Value && (x.result || !x.restated); }))
        return a;
    if (auto a = last([](const Candidate& x) { return x.kind == Kind::Value; })) return a;
    return last([](const Candidate& x) { return x.kind == Kind::Expression; });
}

/// The text's paragraphs, last first (blank lines separate them), at most `most`.
std::vector<std::string_view> lastParagraphs(std::string_view text, size_t most) {
    std::vector<std::string_view> out;
    text = text::trim(text);
    size_t end = text.size(), lineEnd = text.size();
    while (lineEnd > 0 && out.size() < most) {
        const size_t nl = text.rfind('\n', lineEnd - 1);
        if (nl == std::string_view::npos) break;
        if (text::trim(text.substr(nl + 1, lineEnd - nl - 1)).empty()) {
            const std::string_view para = text::trim(text.substr(nl + 1, end - nl - 1));
            if (!para.empty()) out.push_back(para);
            end = nl;
        }
        lineEnd = nl;
    }
    if (out.size() < most) {
        const std::string_view first = text::trim(text.substr(0, end));
        if (!first.empty()) out.push_back(first);
    }
    return out;
}

} // namespace

std::string lastSide(std::string_view s) {
    int depth = 0;
    size_t start = 0;
    for (size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (c == '(' || c == '[' || c == '{') ++depth;
        if (c == ')' || c == ']' || c == '}') --depth;
        if (c == '=' && depth == 0) start = i + 1;
    }
    std::string side = text::trimmed(s.substr(start));
    return side.empty() ? text::trimmed(s) : side;
}

bool isProse(std::string_view line) {
    int words = 0;
    forEachLetterRun(line, [&](size_t b, size_t e, bool inMath) {
        // LaTeX's own words are no prose: "\begin{pmatrix}", "x_{max}".
        const bool latex = b > 0 && (line[b - 1] == '\\' || line[b - 1] == '{' || line[b - 1] == '_');
        if (!inMath && !latex && e - b >= 2) ++words;
    });
    // "Thus, \( b = 3 \)." is a sentence; "5 apples" and "\text{Monday}" are answers.
    const bool math = line.find('$') != std::string_view::npos ||
                      line.find("\\(") != std::string_view::npos ||
                      line.find("\\[") != std::string_view::npos;
    return words >= 2 || (words == 1 && math);
}

std::optional<std::string> conclusion(std::string_view text, std::string_view question) {
    const Givens given{allNumbers(question), squeeze(question)};
    for (std::string_view paragraph : lastParagraphs(text, 3)) {
        const auto sentences = sentencesOf(paragraph, given);
        auto states = [](const Sentence& s) { return has(s, Kind::Bold) || has(s, Kind::Value); };
        // The last sentence that states a value: a later one with only expressions ("… since \(f(a)\) is
        // always \(a+3\)") or an aside comments on it.
        for (const auto& accept : {std::function<bool(const Sentence&)>(
                                       [&](const Sentence& s) { return states(s) && !s.aside(); }),
                                   std::function<bool(const Sentence&)>(states),
                                   std::function<bool(const Sentence&)>(
                                       [](const Sentence& s) { return has(s, Kind::Expression); })})
            for (auto it = sentences.rbegin(); it != sentences.rend(); ++it)
                if (accept(*it)) return pick(*it);
    }
    return std::nullopt;
}

} // namespace gpo::extract
