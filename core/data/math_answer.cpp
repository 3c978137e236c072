#include "data/math_answer.h"

#include "data/answer_conclusion.h"
#include "data/answer_extraction.h"
#include "data/math_expr.h"
#include "util/text.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <optional>
#include <regex>

namespace gpo::mathanswer {
namespace {

using text::replaceAll;

bool hasDigit(std::string_view s) {
    return std::any_of(s.begin(), s.end(), text::isDigit);
}

bool isUnitWords(std::string_view s) {
    s = text::trim(s);
    if (s.empty()) return false;
    for (char c : s)
        if (!text::isAlpha(c) && c != ' ' && c != '^' && c != '2' && c != '3' && c != '.' && c != '-')
            return false;
    return text::isAlpha(s.front());
}

/// Handles \text{…}-like groups: units after a number are dropped, anything else is unwrapped.
std::string handleTextGroups(std::string s) {
    static const std::vector<std::string> wrappers = {
        "\\text",         "\\textbf", "\\textit", "\\mathrm",     "\\mathbf", "\\mbox",
        "\\operatorname", "\\textrm", "\\mathit", "\\textnormal", "\\textsf"};
    for (int guard = 0; guard < 50; ++guard) {
        size_t best = std::string::npos, nameLen = 0;
        for (const auto& w : wrappers) {
            size_t p = s.find(w + "{");
            while (p != std::string::npos && p + w.size() < s.size() && text::isAlpha(s[p + w.size()]))
                p = s.find(w + "{", p + 1);
            if (p != std::string::npos && p < best) {
                best = p;
                nameLen = w.size();
            }
        }
        if (best == std::string::npos) break;
        const size_t open = best + nameLen;
        const size_t close = text::matchingBrace(s, open);
        if (close == std::string::npos) break;
        const std::string content = s.substr(open + 1, close - open - 1);
        std::string rest = s.substr(0, best) + s.substr(close + 1);
        if (isUnitWords(content) && hasDigit(rest)) {
            s = rest; // "5\text{ cm}" → "5"
        } else {
            s = s.substr(0, best) + content + s.substr(close + 1);
        }
    }
    return s;
}

/// \sqrt5 → \sqrt{5}, \frac12 → \frac{1}{2}, \frac1{2} → \frac{1}{2}.
std::string braceShortArguments(std::string s) {
    auto wrapNext = [&](size_t pos) {
        // Wraps the single character or command at `pos` in braces; returns the position after it.
        if (pos >= s.size() || s[pos] == '{') {
            const size_t close = pos < s.size() ? text::matchingBrace(s, pos) : std::string::npos;
            return close == std::string::npos ? s.size() : close + 1;
        }
        size_t end = pos + 1;
        if (s[pos] == '\\')
            while (end < s.size() && text::isAlpha(s[end]))
                ++end;
        s.insert(end, "}");
        s.insert(pos, "{");
        return end + 2;
    };
    for (size_t p = s.find("\\sqrt"); p != std::string::npos; p = s.find("\\sqrt", p + 1)) {
        size_t q = p + 5;
        if (q < s.size() && s[q] == '[')
            q = s.find(']', q) == std::string::npos ? s.size() : s.find(']', q) + 1;
        while (q < s.size() && s[q] == ' ')
            s.erase(q, 1);
        if (q < s.size() && !text::isAlpha(s[q]))
            wrapNext(q);
        else if (q < s.size() && text::isAlpha(s[q]) && (q + 1 >= s.size() || !text::isAlpha(s[q + 1])))
            wrapNext(q);
    }
    for (size_t p = s.find("\\frac"); p != std::string::npos; p = s.find("\\frac", p + 1)) {
        size_t q = p + 5;
        if (q < s.size() && text::isAlpha(s[q])) continue; // \fraction is not \frac
        while (q < s.size() && s[q] == ' ')
            s.erase(q, 1);
        q = wrapNext(q);
        while (q < s.size() && s[q] == ' ')
            s.erase(q, 1);
        wrapNext(q);
    }
    return s;
}

/// "2.50" → "2.5", "3.0" → "3", ".5" → "0.5" for every plain number in the string.
std::string canonicalNumbers(const std::string& s) {
    std::string out;
    size_t i = 0;
    while (i < s.size()) {
        const bool prevIsWord =
            i > 0 && (text::isAlpha(s[i - 1]) || text::isDigit(s[i - 1]) || s[i - 1] == '.');
        if (!prevIsWord &&
            (text::isDigit(s[i]) || (s[i] == '.' && i + 1 < s.size() && text::isDigit(s[i + 1])))) {
            size_t e = i;
            while (e < s.size() && text::isDigit(s[e]))
                ++e;
            std::string intPart = s.substr(i, e - i);
            std::string frac;
            if (e < s.size() && s[e] == '.' && e + 1 < s.size() && text::isDigit(s[e + 1])) {
                size_t f = e + 1;
                while (f < s.size() && text::isDigit(s[f]))
                    ++f;
                frac = s.substr(e + 1, f - e - 1);
                e = f;
            }
            while (!frac.empty() && frac.back() == '0')
                frac.pop_back();
            if (intPart.empty()) intPart = "0";
            // Leading zeros of integers carry no meaning in an answer ("025" is 25), except "0" itself.
            while (intPart.size() > 1 && intPart[0] == '0')
                intPart.erase(0, 1);
            out += intPart;
            if (!frac.empty()) out += "." + frac;
            i = e;
        } else {
            out.push_back(s[i++]);
        }
    }
    return out;
}

/// "\\left(\\frac{1}{5}" → "\left(\frac{1}{5}": commands written with their backslash doubled (an
/// escaping slip in JSON-borne answers). Not in matrices and arrays, whose "\\" ends a row.
std::string singleBackslashCommands(const std::string& s) {
    if (s.find("\\begin") != std::string::npos || s.find("\\\\begin") != std::string::npos) return s;
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\\' && i + 2 < s.size() && s[i + 1] == '\\' && text::isAlpha(s[i + 2]) &&
            (i == 0 || s[i - 1] != '\\'))
            continue; // drop the first of the two
        out.push_back(s[i]);
    }
    return out;
}

/// "x = 11" → "11"; "\theta=30" → "30"; "f(x)=2x" → "2x". Only a short left-hand side is dropped.
std::string dropVariableAssignment(const std::string& s) {
    if (std::count(s.begin(), s.end(), '=') != 1) return s;
    const size_t eq = s.find('=');
    std::string lhs = text::trimmed(std::string_view(s).substr(0, eq));
    std::string rhs = text::trimmed(std::string_view(s).substr(eq + 1));
    if (rhs.empty()) return s;
    static const std::regex shortLhs(
        R"(^([A-Za-z](_\{?\w+\}?)?|[A-Z]{2,3}|\\[A-Za-z]+|[A-Za-z]\([A-Za-z]\)|[A-Za-z]\s*\+\s*[A-Za-z]|\([A-Za-z](,[A-Za-z])+\))$)");
    if (std::regex_match(lhs, shortLhs)) return rhs;
    return s;
}

/// Index of the bracket closing the one at 0, counting (, [ and { alike; npos when unbalanced.
size_t closingBracket(std::string_view s) {
    int depth = 0;
    for (size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (c == '(' || c == '[' || c == '{') ++depth;
        if ((c == ')' || c == ']' || c == '}') && --depth == 0) return i;
    }
    return std::string_view::npos;
}

bool wholeIsBracketed(std::string_view s) {
    return s.size() >= 2 && (s.front() == '(' || s.front() == '[') && closingBracket(s) == s.size() - 1;
}

/// "x\approx11" → "11" (a variable's approximate value); "\frac{1}{3}\approx0.33" → "\frac{1}{3}" (the exact
/// value an approximation follows).
std::string approximationDropped(const std::string& s) {
    const size_t at = s.find("\\approx");
    if (at == std::string::npos) return s;
    const std::string lhs = s.substr(0, at), rhs = s.substr(at + 7);
    static const std::regex variable(R"(^([A-Za-z](_\{?\w+\}?)?|\\[A-Za-z]+)$)");
    if (lhs.empty() || std::regex_match(lhs, variable)) return rhs;
    return lhs;
}

/// "-2\lex<7" → "[-2,7)": a chain that bounds one variable on both sides is an interval.
std::string chainAsInterval(const std::string& s) {
    static const std::regex chain(R"(^([^<>=]+?)(<|\\le)[A-Za-z](<|\\le)([^<>=]+)$)");
    std::smatch m;
    if (!std::regex_match(s, m, chain)) return s;
    return (m[2] == "<" ? "(" : "[") + m[1].str() + "," + m[4].str() + (m[3] == "<" ? ")" : "]");
}

/// "[\begin{array}{cc}…\end{array}]" → the matrix: brackets written around an array are its delimiters.
std::string matrixUnbracketed(const std::string& s) {
    if (s.size() > 2 && (s.front() == '[' || s.front() == '(') && text::startsWith(s.substr(1), "\\begin{") &&
        closingBracket(s) == s.size() - 1)
        return s.substr(1, s.size() - 2);
    return s;
}

/// One relation "a op b" at the top level (op one of <, >, \le, \ge, \ne), as the expression that op
/// compares with zero: "a < b" is "b-a > 0" and "a \ge b" is "a-b >= 0", so "5\ge x" reads as "x\le5" does.
struct Relation {
    std::string op; ///< ">", ">=" or "!="
    std::string difference;
};

/// Spaces are gone by now, so "\\lex" is "\\le x": only these commands start like a relation.
bool isLongerCommand(std::string_view s) {
    for (std::string_view command : {"\\left", "\\leftarrow", "\\neg", "\\nexists", "\\newline", "\\gets"})
        if (text::startsWith(s, command)) return true;
    return false;
}

std::optional<Relation> relationOf(const std::string& s) {
    std::optional<std::pair<size_t, std::string>> found;
    int depth = 0;
    for (size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (c == '(' || c == '[' || c == '{') ++depth;
        if (c == ')' || c == ']' || c == '}') --depth;
        if (depth != 0) continue;
        std::string op;
        if (c == '<' || c == '>')
            op = std::string(1, c);
        else if (c == '\\' &&
                 (s.compare(i, 3, "\\le") == 0 || s.compare(i, 3, "\\ge") == 0 ||
                  s.compare(i, 3, "\\ne") == 0) &&
                 !isLongerCommand(std::string_view(s).substr(i)))
            op = s.substr(i, 3);
        else if (c == '=')
            return std::nullopt;
        if (op.empty()) continue;
        if (found) return std::nullopt; // a chain, not one relation
        found = {{i, op}};
    }
    if (!found) return std::nullopt;
    const auto& [at, op] = *found;
    const std::string lhs = s.substr(0, at), rhs = s.substr(at + op.size());
    if (text::trim(lhs).empty() || text::trim(rhs).empty()) return std::nullopt;
    if (op == "<") return Relation{">", "(" + rhs + ")-(" + lhs + ")"};
    if (op == ">") return Relation{">", "(" + lhs + ")-(" + rhs + ")"};
    if (op == "\\le") return Relation{">=", "(" + rhs + ")-(" + lhs + ")"};
    if (op == "\\ge") return Relation{">=", "(" + lhs + ")-(" + rhs + ")"};
    return Relation{"!=", "(" + lhs + ")-(" + rhs + ")"};
}

std::optional<std::vector<std::vector<std::string>>> parseMatrix(std::string_view s) {
    static const std::regex env(R"(^\\begin\{([pbvB]?matrix|array)\}(\{[^}]*\})?(.*)\\end\{\1\}$)");
    std::match_results<std::string_view::const_iterator> m;
    if (!std::regex_match(s.begin(), s.end(), m, env)) return std::nullopt;
    std::vector<std::vector<std::string>> rows;
    std::string body = m[3].str();
    size_t start = 0;
    while (true) {
        size_t p = body.find("\\\\", start);
        std::string row = body.substr(start, p == std::string::npos ? std::string::npos : p - start);
        if (!text::trim(row).empty()) rows.push_back(text::split(row, '&'));
        if (p == std::string::npos) break;
        start = p + 2;
    }
    if (rows.empty()) return std::nullopt;
    return rows;
}

bool scalarEqual(const std::string& a, const std::string& b);
bool structurallyEqual(const std::string& a, const std::string& b);

/// The same list with repeats dropped (a solution listed twice is one solution).
std::vector<std::string> distinct(const std::vector<std::string>& v) {
    std::vector<std::string> out;
    for (const auto& x : v)
        if (std::find(out.begin(), out.end(), x) == out.end()) out.push_back(x);
    return out;
}

bool unorderedEqual(std::vector<std::string> a, std::vector<std::string> b) {
    a = distinct(a);
    b = distinct(b);
    if (a.size() != b.size()) return false;
    std::vector<bool> used(b.size(), false);
    for (const auto& x : a) {
        bool found = false;
        for (size_t j = 0; j < b.size() && !found; ++j) {
            if (!used[j] && structurallyEqual(x, b[j])) used[j] = found = true;
        }
        if (!found) return false;
    }
    return true;
}

bool orderedEqual(const std::vector<std::string>& a, const std::vector<std::string>& b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (!structurallyEqual(a[i], b[i])) return false;
    return true;
}

/// "a\pm b" → {"a+b", "a-b"}; otherwise the string itself.
std::vector<std::string> expandPlusMinus(const std::string& s) {
    const size_t p = s.find("\\pm");
    if (p == std::string::npos || s.find("\\pm", p + 1) != std::string::npos) return {s};
    return {s.substr(0, p) + "+" + s.substr(p + 3), s.substr(0, p) + "-" + s.substr(p + 3)};
}

std::vector<std::string> elements(const std::string& s) {
    std::vector<std::string> out;
    for (auto& part : splitTopLevel(s)) {
        for (auto& e : expandPlusMinus(dropVariableAssignment(part)))
            out.push_back(e);
    }
    return out;
}

/// "2x+4y-3=0" and "y=-\frac{1}{2}x+\frac{3}{4}": the same equation when left minus right of one is a
/// constant non-zero multiple of the other's at random points of their variables.
bool sameEquation(const std::string& a, const std::string& b) {
    const size_t ea = a.find('='), eb = b.find('=');
    auto f = mathexpr::Expression::parse("(" + a.substr(0, ea) + ")-(" + a.substr(ea + 1) + ")");
    auto g = mathexpr::Expression::parse("(" + b.substr(0, eb) + ")-(" + b.substr(eb + 1) + ")");
    if (!f || !g || f->variables().empty() || f->variables() != g->variables()) return false;
    std::optional<double> ratio;
    int points = 0;
    for (int k = 0; k < 12 && points < 5; ++k) {
        std::map<std::string, double> at;
        int i = 0;
        for (const auto& v : f->variables())
            at[v] = 0.37 + 0.61 * ((k * 7 + i++ * 3) % 11) - 1.3 * (k % 3);
        const double fv = f->evaluate(at), gv = g->evaluate(at);
        if (!std::isfinite(fv) || !std::isfinite(gv) || std::fabs(gv) < 1e-9 || std::fabs(fv) < 1e-9)
            continue;
        const double r = fv / gv;
        if (ratio && std::fabs(r - *ratio) > 1e-6 * std::max(1.0, std::fabs(*ratio))) return false;
        ratio = r;
        ++points;
    }
    return points >= 3;
}

bool scalarEqual(const std::string& a, const std::string& b) {
    if (a == b) return true;
    // Equations: compare both sides, else whether they are the same equation rearranged.
    if (std::count(a.begin(), a.end(), '=') == 1 && std::count(b.begin(), b.end(), '=') == 1) {
        const size_t ea = a.find('='), eb = b.find('=');
        if (scalarEqual(a.substr(0, ea), b.substr(0, eb)) && scalarEqual(a.substr(ea + 1), b.substr(eb + 1)))
            return true;
        return sameEquation(a, b);
    }
    return mathexpr::equivalent(a, b);
}

bool structurallyEqual(const std::string& aIn, const std::string& bIn) {
    const std::string a = dropVariableAssignment(aIn), b = dropVariableAssignment(bIn);
    if (a == b) return true;
    // Relations: the same comparison of the same difference ("-x>-1" is "x<1"; "x\ne3" is "3\nex").
    const auto ra = relationOf(a), rb = relationOf(b);
    if (ra || rb) {
        if (!ra || !rb || ra->op != rb->op) return false;
        if (mathexpr::equivalent(ra->difference, rb->difference)) return true;
        return ra->op == "!=" && mathexpr::equivalent(ra->difference, "-(" + rb->difference + ")");
    }
    auto ma = parseMatrix(a), mb = parseMatrix(b);
    if (ma || mb) {
        auto flat = [](const std::vector<std::vector<std::string>>& m) {
            std::vector<std::string> f;
            for (auto& r : m)
                for (auto& c : r)
                    f.push_back(text::trimmed(c));
            return f;
        };
        if (ma && mb) {
            if (ma->size() != mb->size()) return false;
            for (size_t i = 0; i < ma->size(); ++i)
                if ((*ma)[i].size() != (*mb)[i].size()) return false;
            return orderedEqual(flat(*ma), flat(*mb));
        }
        // A column or row vector against a tuple.
        const auto& m = ma ? *ma : *mb;
        const std::string& other = ma ? b : a;
        if (m.size() != 1 && m.front().size() != 1) return false;
        return orderedEqual(flat(m),
                            elements(wholeIsBracketed(other) ? other.substr(1, other.size() - 2) : other));
    }
    // Unions of intervals or sets, in any order.
    {
        auto splitUnion = [](const std::string& s) {
            std::vector<std::string> parts;
            size_t start = 0, p;
            while ((p = s.find("\\cup", start)) != std::string::npos) {
                parts.push_back(s.substr(start, p - start));
                start = p + 4;
            }
            parts.push_back(s.substr(start));
            return parts;
        };
        const auto ua = splitUnion(a), ub = splitUnion(b);
        if (ua.size() > 1 || ub.size() > 1) return unorderedEqual(ua, ub);
    }
    // Sets: \{…\} in any order; "{1,2,3}" with plain braces around a list is one too.
    auto setBody = [](const std::string& s) -> std::optional<std::string> {
        if (text::startsWith(s, "\\{") && text::endsWith(s, "\\}")) return s.substr(2, s.size() - 4);
        if (s.size() > 2 && s.front() == '{' && closingBracket(s) == s.size() - 1 &&
            splitTopLevel(s.substr(1, s.size() - 2)).size() > 1)
            return s.substr(1, s.size() - 2);
        return std::nullopt;
    };
    const auto setA = setBody(a), setB = setBody(b);
    if (setA || setB) return unorderedEqual(elements(setA ? *setA : a), elements(setB ? *setB : b));
    const bool brA = wholeIsBracketed(a), brB = wholeIsBracketed(b);
    const auto innerA = brA ? a.substr(1, a.size() - 2) : a;
    const auto innerB = brB ? b.substr(1, b.size() - 2) : b;
    const auto ea = elements(innerA), eb = elements(innerB);
    if (ea.size() > 1 || eb.size() > 1) {
        if (brA && brB) { // tuples and intervals: brackets and order matter
            if (a.front() != b.front() || a.back() != b.back()) return false;
            return orderedEqual(ea, eb);
        }
        if (brA || brB) return orderedEqual(ea, eb);
        return unorderedEqual(ea, eb); // a list of solutions, in any order
    }
    if (ea.size() == 1 && eb.size() == 1 && (ea[0] != a || eb[0] != b)) {
        if (ea[0] == eb[0]) return true;
        if (scalarEqual(ea[0], eb[0])) return true;
    }
    return scalarEqual(a, b);
}

} // namespace

std::vector<std::string> splitTopLevel(std::string_view s, char sep) {
    std::vector<std::string> out;
    int depth = 0;
    size_t start = 0;
    for (size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (c == '\\' && i + 1 < s.size() && (s[i + 1] == '{' || s[i + 1] == '}')) {
            depth += s[i + 1] == '{' ? 1 : -1;
            ++i;
            continue;
        }
        if (c == '(' || c == '[' || c == '{') ++depth;
        if (c == ')' || c == ']' || c == '}') --depth;
        if (c == sep && depth == 0) {
            out.emplace_back(text::trim(s.substr(start, i - start)));
            start = i + 1;
        }
    }
    out.emplace_back(text::trim(s.substr(start)));
    return out;
}

std::string normalize(std::string_view answer) {
    std::string s = extract::stripMathDelimiters(answer);
    if (auto inner = extract::lastBoxedRun(s); inner && text::startsWith(text::trim(s), "\\boxed"))
        s = *inner;
    s = replaceAll(s, "\n", " ");
    {
        static const std::regex spacedGroup(R"((\\[A-Za-z]+)\s+\{)"); // "\text { cm}" is "\text{ cm}"
        s = std::regex_replace(s, spacedGroup, "$1{");
    }
    s = singleBackslashCommands(s);
    s = replaceAll(s, ",\\!", "{,}");  // "11,\! 111": MATH's thousands separator
    s = replaceAll(s, "\\\\", "\x02"); // matrix row separators survive the "\ " rule below
    for (const char* noise :
         {"\\displaystyle", "\\!", "\\,", "\\;", "\\:", "\\left.", "\\right.", "\\left", "\\right", "\\bigl",
          "\\bigr", "\\Bigl", "\\Bigr", "\\big", "\\Big", "\\limits"})
        s = replaceAll(s, noise, "");
    s = replaceAll(s, "\\quad", " ");
    s = replaceAll(s, "\\qquad", " ");
    s = replaceAll(s, "\\ ", " ");
    s = replaceAll(s, "\x02", "\\\\");
    s = replaceAll(s, "~", " ");
    s = replaceAll(s, "\\dfrac", "\\frac");
    s = replaceAll(s, "\\tfrac", "\\frac");
    s = replaceAll(s, "\\cfrac", "\\frac");
    for (const char* deg :
         {"^{\\circ}", "^\\circ", "{}^\\circ", "\\circ", "\xC2\xB0", "^{\\prime}", "^\\prime"})
        s = replaceAll(s, deg, "");
    s = replaceAll(s, "\\%", "");
    s = replaceAll(s, "%", "");
    s = replaceAll(s, "\\$", "");
    s = replaceAll(s, "$", "");
    // Relations in one spelling each: \le, \ge, <, >, \ne.
    {
        static const std::regex lt(R"(\\lt(?![A-Za-z]))"), gt(R"(\\gt(?![A-Za-z]))");
        s = std::regex_replace(s, lt, "<");
        s = std::regex_replace(s, gt, ">");
    }
    for (const char* le : {"\\leqslant", "\\leqq", "\\leq", "<="})
        s = replaceAll(s, le, "\\le ");
    for (const char* ge : {"\\geqslant", "\\geqq", "\\geq", ">="})
        s = replaceAll(s, ge, "\\ge ");
    for (const char* ne : {"\\neq", "!="})
        s = replaceAll(s, ne, "\\ne ");
    s = replaceAll(s, "\\varnothing", "\\emptyset");
    s = replaceAll(s, "{,}", "");
    s = replaceAll(s, "{, }", ""); // "14 {, }916", a thousands group as some models space it
    s = replaceAll(s, "\\infty", "\\infty ");
    s = handleTextGroups(s);
    s = text::trimmed(s);
    // A number followed by plain unit words: "12 inches", "5 square units".
    {
        static const std::regex numberWithUnits(R"(^(-?[0-9][0-9,]*(\.[0-9]+)?)\s+([A-Za-z][A-Za-z ]*)$)");
        std::smatch m;
        if (std::regex_match(s, m, numberWithUnits)) s = m[1].str();
    }
    {
        static const std::regex thousands(R"(^-?[1-9]\d{0,2}(,\d{3})+(\.\d+)?$)");
        if (std::regex_match(s, thousands)) s.erase(std::remove(s.begin(), s.end(), ','), s.end());
    }
    s = braceShortArguments(s);
    s.erase(std::remove(s.begin(), s.end(), ' '), s.end());
    while (!s.empty() && s.back() == '.')
        s.pop_back();
    s = approximationDropped(s);
    s = dropVariableAssignment(s);
    s = chainAsInterval(s);
    s = matrixUnbracketed(s);
    // "x\in[1,2]" → "[1,2]"
    {
        static const std::regex inSet(R"(^[A-Za-z]\\in(.+)$)");
        std::smatch m;
        if (std::regex_match(s, m, inSet)) s = m[1].str();
    }
    // Single-token braces: x^{2} → x^2, 1011_{2} → 1011_2.
    {
        static const std::regex singleBrace(R"(([\^_])\{([A-Za-z0-9]+)\})");
        s = std::regex_replace(s, singleBrace, "$1$2");
    }
    s = canonicalNumbers(s);
    // A choice letter in parentheses: "(C)" → "C".
    if (s.size() == 3 && s[0] == '(' && s[2] == ')' && s[1] >= 'A' && s[1] <= 'Z') s = s.substr(1, 1);
    return s;
}

namespace {

/// "1000,99" for 1000.99: a comma before other than three digits (or after a lone 0) is a decimal comma,
/// read so only against a decimal written with a point.
bool decimalCommaEqual(const std::string& comma, const std::string& point) {
    static const std::regex withComma(R"(^-?(\d+),(\d+)$)"), withPoint(R"(^-?\d+\.\d+$)");
    std::smatch m;
    if (!std::regex_match(comma, m, withComma) || !std::regex_match(point, withPoint)) return false;
    if (m[2].length() == 3 && m[1] != "0") return false; // "1,000" groups thousands
    std::string read = comma;
    std::replace(read.begin(), read.end(), ',', '.');
    return canonicalNumbers(read) == canonicalNumbers(point);
}

} // namespace

namespace {

/// "1 and 2 and 3", "21, 16 or 11", "6 \text{ and } 8", "-12; -11", "(0;0;0),(0;-2;0)": the same list with
/// commas. Only where a side reads as a list of answers; the text is returned unchanged otherwise.
std::string listWithCommas(std::string_view written) {
    std::string s = replaceAll(std::string(written), "$", "");
    for (const char* sep : {"\\text{ and }", "\\text{and}", "\\text{ or }", "\\text{or}", "\\mbox{ and }",
                            " and ", " or ", ")or(", ")and(", "\\quad", ";"})
        s = replaceAll(s, sep, ",");
    static const std::regex repeated(R"(,(\s*,)+)"); // "(5,8) \quad \text{and} \quad (8,5)" left ",,,"
    return std::regex_replace(s, repeated, ",");
}

/// The left side of a reference "label = value" names what the value is: "(p,q)=(3,2)", "|AB|=1",
/// "A:B=1", "V_{1}:V_{2}=11:21", "\frac{NO}{BO}=…". Letters, brackets, bars, colons, commands and
/// subscripts only: "x^2+y^2=25" is an equation, not a label.
bool labelSide(const std::string& lhs) {
    bool letter = false;
    for (size_t i = 0; i < lhs.size(); ++i) {
        const char c = lhs[i];
        if (c == '_') { // a subscript: _1, _{12}, _{MBCN}
            if (i + 1 < lhs.size() && lhs[i + 1] == '{')
                i = lhs.find('}', i);
            else
                ++i;
            if (i == std::string::npos) return false;
            continue;
        }
        if (text::isAlpha(c))
            letter = true;
        else if (!std::strchr("(),|:{}\\", c))
            return false;
    }
    return letter;
}

std::vector<std::string> sides(const std::string& s) {
    return splitTopLevel(s, '=');
}

} // namespace

bool equivalent(std::string_view answer, std::string_view reference) {
    if (equivalentAsWritten(answer, reference)) return true;
    // Lists written with "and", "or" or semicolons.
    const std::string la = listWithCommas(answer), lr = listWithCommas(reference);
    if ((la != answer || lr != reference) &&
        (splitTopLevel(normalize(la)).size() > 1 || splitTopLevel(normalize(lr)).size() > 1) &&
        equivalentAsWritten(la, lr))
        return true;
    // Equations as written (normalize() reads "y=2x" as the value 2x): the same equation rearranged.
    {
        const std::string wa = extract::stripMathDelimiters(answer),
                          wr = extract::stripMathDelimiters(reference);
        const auto ea = splitTopLevel(wa, '='), er = splitTopLevel(wr, '=');
        if (ea.size() == 2 && er.size() == 2 &&
            sameEquation(normalize(ea[0]) + "=" + normalize(ea[1]),
                         normalize(er[0]) + "=" + normalize(er[1])))
            return true;
    }
    const std::string a = normalize(answer), r = normalize(reference);
    const auto sa = sides(a), sr = sides(r);
    // "(p,q)=(3,2)" against "(3,2)": the value the label names.
    if (sa.size() == 1 && sr.size() == 2 && labelSide(sr[0])) return equivalentAsWritten(answer, sr[1]);
    // "z=1+1=2" against "z=3+3=2": the same unknown, the same final value.
    if (sa.size() > 1 && sr.size() > 1 && (sa.size() > 2 || sr.size() > 2) && sa.front() == sr.front() &&
        labelSide(sa.front()))
        return equivalentAsWritten(sa.back(), sr.back());
    return false;
}

bool equivalentAsWritten(std::string_view answer, std::string_view reference) {
    const std::string a = normalize(answer), r = normalize(reference);
    if (a.empty() || r.empty()) return false;
    if (a == r) return true;
    const bool wordsOnly = std::all_of(a.begin(), a.end(), [](char c) { return text::isAlpha(c); }) &&
                           std::all_of(r.begin(), r.end(), [](char c) { return text::isAlpha(c); });
    if (wordsOnly && a.size() > 1 && r.size() > 1) return text::toLower(a) == text::toLower(r);
    if (structurallyEqual(a, r)) return true;
    if (decimalCommaEqual(a, r) || decimalCommaEqual(r, a)) return true;
    // An equation states its last side when the reference is a value: \boxed{\frac{28}{4}=7},
    // \boxed{(b,c)=(6,5)}, "\cos \angle RPS = -\frac{24}{25}".
    if (r.find('=') == std::string::npos) {
        const std::string side = extract::lastSide(extract::stripMathDelimiters(answer));
        if (side != text::trimmed(extract::stripMathDelimiters(answer)))
            return equivalentAsWritten(side, reference);
    }
    return false;
}

} // namespace gpo::mathanswer
