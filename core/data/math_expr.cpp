#include "data/math_expr.h"

#include "util/text.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <vector>

namespace gpo::mathexpr {
namespace {

enum class Tok { Number, Ident, Command, Symbol, End };

struct Token {
    Tok kind = Tok::End;
    std::string text;
    double number = 0;
};

std::vector<Token> tokenize(std::string_view s, bool& ok) {
    std::vector<Token> out;
    ok = true;
    size_t i = 0;
    while (i < s.size()) {
        const char c = s[i];
        if (text::isSpace(c)) {
            ++i;
        } else if (text::isDigit(c) || (c == '.' && i + 1 < s.size() && text::isDigit(s[i + 1]))) {
            size_t e = i;
            while (e < s.size() && (text::isDigit(s[e]) || s[e] == '.'))
                ++e;
            Token t{Tok::Number, std::string(s.substr(i, e - i)), 0};
            try {
                t.number = std::stod(t.text);
            } catch (...) {
                ok = false;
                return out;
            }
            out.push_back(t);
            i = e;
        } else if (c == '\\') {
            size_t e = i + 1;
            while (e < s.size() && text::isAlpha(s[e]))
                ++e;
            if (e == i + 1) { // "\{" "\}" "\|"
                if (e < s.size()) ++e;
            }
            out.push_back({Tok::Command, std::string(s.substr(i, e - i)), 0});
            i = e;
        } else if (text::isAlpha(c)) {
            out.push_back({Tok::Ident, std::string(1, c), 0});
            ++i;
        } else if (std::string_view("+-*/^()[]{}|!_").find(c) != std::string_view::npos) {
            out.push_back({Tok::Symbol, std::string(1, c), 0});
            ++i;
        } else {
            ok = false; // commas, '=', and anything else are not part of one expression
            return out;
        }
    }
    out.push_back({Tok::End, "", 0});
    return out;
}

bool isGreek(const std::string& cmd) {
    static const std::set<std::string> greek = {
        "\\alpha",  "\\beta",   "\\gamma",    "\\delta", "\\epsilon", "\\varepsilon", "\\zeta",
        "\\eta",    "\\theta",  "\\vartheta", "\\iota",  "\\kappa",   "\\lambda",     "\\mu",
        "\\nu",     "\\xi",     "\\rho",      "\\sigma", "\\tau",     "\\upsilon",    "\\phi",
        "\\varphi", "\\chi",    "\\psi",      "\\omega", "\\Omega",   "\\Delta",      "\\Gamma",
        "\\Theta",  "\\Lambda", "\\Phi",      "\\Psi",   "\\Sigma"};
    return greek.count(cmd) > 0;
}

using Fn = double (*)(double);
std::optional<Fn> function(const std::string& cmd) {
    static const std::map<std::string, Fn> fns = {
        {"\\sin", [](double x) { return std::sin(x); }},
        {"\\cos", [](double x) { return std::cos(x); }},
        {"\\tan", [](double x) { return std::tan(x); }},
        {"\\cot", [](double x) { return 1 / std::tan(x); }},
        {"\\sec", [](double x) { return 1 / std::cos(x); }},
        {"\\csc", [](double x) { return 1 / std::sin(x); }},
        {"\\arcsin", [](double x) { return std::asin(x); }},
        {"\\arccos", [](double x) { return std::acos(x); }},
        {"\\arctan", [](double x) { return std::atan(x); }},
        {"\\ln", [](double x) { return std::log(x); }},
        {"\\log", [](double x) { return std::log10(x); }},
        {"\\exp", [](double x) { return std::exp(x); }},
        {"\\sinh", [](double x) { return std::sinh(x); }},
        {"\\cosh", [](double x) { return std::cosh(x); }},
    };
    auto it = fns.find(cmd);
    if (it == fns.end()) return std::nullopt;
    return it->second;
}

/// Recursive-descent parser that evaluates as it parses (the expressions are tiny).
class Parser {
public:
    Parser(const std::vector<Token>& toks, const std::map<std::string, double>* values,
           std::set<std::string>* vars)
        : toks_(toks), values_(values), vars_(vars) {}

    std::optional<double> parseAll() {
        auto v = expr();
        if (!v || peek().kind != Tok::End) return std::nullopt;
        return v;
    }

private:
    const Token& peek(size_t k = 0) const { return toks_[std::min(pos_ + k, toks_.size() - 1)]; }
    bool isSym(const char* s, size_t k = 0) const { return peek(k).kind == Tok::Symbol && peek(k).text == s; }
    bool isCmd(const char* s) const { return peek().kind == Tok::Command && peek().text == s; }
    void advance() { ++pos_; }
    bool expect(const char* s) {
        if (!isSym(s)) return false;
        advance();
        return true;
    }

    std::optional<double> expr() {
        auto v = term();
        while (v && (isSym("+") || isSym("-"))) {
            const bool plus = isSym("+");
            advance();
            auto r = term();
            if (!r) return std::nullopt;
            v = plus ? *v + *r : *v - *r;
        }
        return v;
    }

    bool startsAtom() const {
        const Token& t = peek();
        if (t.kind == Tok::Number || t.kind == Tok::Ident) return true;
        if (t.kind == Tok::Symbol) return t.text == "(" || t.text == "{" || t.text == "[";
        if (t.kind == Tok::Command)
            return t.text == "\\frac" || t.text == "\\sqrt" || t.text == "\\pi" || t.text == "\\binom" ||
                   t.text == "\\infty" || isGreek(t.text) || function(t.text).has_value();
        return false;
    }

    std::optional<double> term() {
        auto v = unary();
        while (v) {
            if (isSym("*") || isCmd("\\cdot") || isCmd("\\times")) {
                advance();
                auto r = unary();
                if (!r) return std::nullopt;
                v = *v * *r;
            } else if (isSym("/") || isCmd("\\div")) {
                advance();
                auto r = unary();
                if (!r) return std::nullopt;
                v = *v / *r;
            } else if (startsAtom()) { // implicit product: 2x, 3\sqrt{2}, (a)(b)
                auto r = power();
                if (!r) return std::nullopt;
                v = *v * *r;
            } else {
                break;
            }
        }
        return v;
    }

    std::optional<double> unary() {
        if (isSym("-")) {
            advance();
            auto v = unary();
            if (!v) return std::nullopt;
            return -*v;
        }
        if (isSym("+")) {
            advance();
            return unary();
        }
        return power();
    }

    std::optional<double> power() {
        auto base = postfix();
        if (!base) return std::nullopt;
        if (isSym("^")) {
            advance();
            std::optional<double> e;
            if (isSym("-")) { // x^-1
                advance();
                auto inner = postfix();
                if (inner) e = -*inner;
            } else {
                e = power(); // right-associative
            }
            if (!e) return std::nullopt;
            return std::pow(*base, *e);
        }
        return base;
    }

    std::optional<double> postfix() {
        auto v = atom();
        while (v && isSym("!")) {
            advance();
            if (*v < 0 || *v > 170 || std::floor(*v) != *v) return std::nullopt;
            v = std::tgamma(*v + 1);
        }
        return v;
    }

    std::optional<double> group(const char* open, const char* close) {
        if (!expect(open)) return std::nullopt;
        auto v = expr();
        if (!v || !expect(close)) return std::nullopt;
        return v;
    }

    /// A {…} argument, or a single token argument as in \frac12 or \sqrt2.
    std::optional<double> argument() {
        if (isSym("{")) return group("{", "}");
        return atom();
    }

    std::optional<double> atom() {
        const Token t = peek();
        switch (t.kind) {
        case Tok::Number: {
            advance();
            // A mixed number such as 2\frac{1}{2} means 2 + 1/2.
            if (isCmd("\\frac") && t.text.find('.') == std::string::npos) {
                advance();
                auto n = argument();
                auto d = n ? argument() : std::nullopt;
                if (!n || !d) return std::nullopt;
                return t.number + *n / *d;
            }
            return t.number;
        }
        case Tok::Ident: {
            advance();
            if (values_) {
                auto it = values_->find(t.text);
                return it == values_->end() ? std::nan("") : it->second;
            }
            vars_->insert(t.text);
            return 1.0;
        }
        case Tok::Symbol:
            if (t.text == "(") return group("(", ")");
            if (t.text == "{") return group("{", "}");
            if (t.text == "[") return group("[", "]");
            if (t.text == "|") {
                advance();
                auto v = expr();
                if (!v || !expect("|")) return std::nullopt;
                return std::fabs(*v);
            }
            return std::nullopt;
        case Tok::Command: {
            advance();
            if (t.text == "\\pi") return std::numbers::pi;
            if (t.text == "\\infty") return INFINITY;
            if (t.text == "\\frac") {
                auto n = argument();
                auto d = n ? argument() : std::nullopt;
                if (!n || !d) return std::nullopt;
                return *n / *d;
            }
            if (t.text == "\\binom") {
                auto n = argument();
                auto k = n ? argument() : std::nullopt;
                if (!n || !k) return std::nullopt;
                return std::round(std::tgamma(*n + 1) / (std::tgamma(*k + 1) * std::tgamma(*n - *k + 1)));
            }
            if (t.text == "\\sqrt") {
                double index = 2;
                if (isSym("[")) {
                    auto idx = group("[", "]");
                    if (!idx) return std::nullopt;
                    index = *idx;
                }
                auto v = argument();
                if (!v) return std::nullopt;
                if (index == 3) return std::cbrt(*v);
                return std::pow(*v, 1.0 / index);
            }
            if (isGreek(t.text)) {
                if (values_) {
                    auto it = values_->find(t.text);
                    return it == values_->end() ? std::nan("") : it->second;
                }
                vars_->insert(t.text);
                return 1.0;
            }
            if (auto fn = function(t.text)) {
                std::optional<double> exponent;
                if (isSym("^")) { // \sin^2 x
                    advance();
                    exponent = argument();
                    if (!exponent) return std::nullopt;
                }
                auto arg = isSym("(") ? group("(", ")") : power();
                if (!arg) return std::nullopt;
                double r = (*fn)(*arg);
                return exponent ? std::pow(r, *exponent) : r;
            }
            return std::nullopt;
        }
        case Tok::End:
            return std::nullopt;
        }
        return std::nullopt;
    }

    const std::vector<Token>& toks_;
    const std::map<std::string, double>* values_;
    std::set<std::string>* vars_;
    size_t pos_ = 0;
};

bool close(double a, double b) {
    if (std::isinf(a) || std::isinf(b)) return a == b;
    if (std::isnan(a) || std::isnan(b)) return false;
    const double scale = std::max({1.0, std::fabs(a), std::fabs(b)});
    return std::fabs(a - b) <= 1e-6 * scale;
}

} // namespace

std::optional<Expression> Expression::parse(std::string_view latex) {
    bool ok = false;
    const auto toks = tokenize(latex, ok);
    if (!ok) return std::nullopt;
    Expression e;
    e.source_ = std::string(latex);
    Parser p(toks, nullptr, &e.variables_);
    if (!p.parseAll()) return std::nullopt;
    return e;
}

double Expression::evaluate(const std::map<std::string, double>& values) const {
    bool ok = false;
    const auto toks = tokenize(source_, ok);
    Parser p(toks, &values, nullptr);
    auto v = p.parseAll();
    return v ? *v : std::nan("");
}

std::optional<double> constantValue(std::string_view latex) {
    auto e = Expression::parse(latex);
    if (!e || !e->variables().empty()) return std::nullopt;
    double v = e->evaluate({});
    if (std::isnan(v)) return std::nullopt;
    return v;
}

bool equivalent(std::string_view a, std::string_view b) {
    auto ea = Expression::parse(a), eb = Expression::parse(b);
    if (!ea || !eb || ea->variables() != eb->variables()) return false;
    // Fixed, irrational-ish sample points so results are reproducible.
    static const double samples[][3] = {{1.37, 2.71, 0.59}, {2.23, 1.19, 3.07}, {0.61, 3.49, 1.83}};
    int compared = 0;
    for (const auto& row : samples) {
        std::map<std::string, double> values;
        size_t k = 0;
        for (const auto& v : ea->variables()) {
            values[v] = row[k % 3] + 0.17 * static_cast<double>(k / 3);
            ++k;
        }
        const double va = ea->evaluate(values), vb = eb->evaluate(values);
        if (std::isnan(va) && std::isnan(vb)) continue;
        if (!close(va, vb)) return false;
        ++compared;
    }
    return compared > 0;
}

} // namespace gpo::mathexpr
