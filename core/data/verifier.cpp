#include "data/verifier.h"

#include "data/answer_conclusion.h"
#include "data/answer_extraction.h"
#include "data/math_answer.h"
#include "data/math_expr.h"
#include "util/text.h"

#include <cmath>
#include <cstdio>

namespace gpo {
namespace {

/// A short single line is taken as a bare answer.
std::optional<std::string> bareAnswer(std::string_view response) {
    std::string_view t = text::trim(response);
    if (t.empty() || t.find('\n') != std::string_view::npos || t.size() > 120) return std::nullopt;
    return std::string(t);
}

std::optional<double> numericValue(std::string_view written) {
    // "R = 4 \times 5 = 20" states 20.
    const std::string answer = extract::lastSide(extract::stripMathDelimiters(written));
    const std::string n = mathanswer::normalize(answer);
    if (auto v = mathexpr::constantValue(n)) return v;
    if (auto first = extract::firstNumber(answer)) {
        try {
            return std::stod(*first);
        } catch (...) {
        }
    }
    return std::nullopt;
}

std::string formatNumber(double v) {
    if (std::fabs(v - std::round(v)) < 1e-9 && std::fabs(v) < 1e15) return std::to_string(std::llround(v));
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.10g", v);
    return buf;
}

} // namespace

Verdict Verifier::verify(std::string_view response, std::string_view reference,
                         std::string_view question) const {
    Verdict v;
    const std::string ref = referenceAnswer(reference);
    v.normalizedReference = normalize(ref);
    if (auto answer = extractAnswer(response, question)) {
        v.parsed = true;
        v.extracted = *answer;
        v.normalizedAnswer = normalize(*answer);
        v.correct = equivalent(*answer, ref);
    }
    return v;
}

// ---- math ------------------------------------------------------------------------------------------

std::string MathVerifier::description() const {
    return "last \\boxed{}/\\fbox{} (boxes side by side: a list), else 'the answer is …', else the final "
           "sentence's conclusion; "
           "mathematical equivalence";
}

std::optional<std::string> MathVerifier::extractAnswer(std::string_view response,
                                                       std::string_view question) const {
    if (auto b = extract::lastBoxedRun(response)) return b;
    if (auto p = extract::answerPhrase(response)) {
        // "Final Answer: The company used $7,945$ kilowatt-hours." states its answer in a sentence.
        if (!extract::isProse(*p)) return p;
        if (auto c = extract::conclusion(*p, question)) return c;
        return p;
    }
    // A one-line answer is the answer itself unless it reads as a sentence ("Thus, there are $2$
    // solutions.").
    const auto bare = bareAnswer(response);
    if (bare && !extract::isProse(*bare)) return bare;
    if (auto c = extract::conclusion(response, question)) return c;
    return bare;
}

std::string MathVerifier::referenceAnswer(std::string_view reference) const {
    // A whole reference solution carries its answer in its last box (or its last boxes, side by side).
    if (auto b = extract::lastBoxedRun(reference)) return *b;
    return std::string(reference);
}

std::string MathVerifier::normalize(std::string_view answer) const {
    return mathanswer::normalize(answer);
}

bool MathVerifier::equivalent(std::string_view answer, std::string_view reference) const {
    return mathanswer::equivalent(answer, reference);
}

// ---- gsm8k -----------------------------------------------------------------------------------------

std::string Gsm8kVerifier::description() const {
    return "'#### N', \\boxed{N}, 'the answer is N', the final sentence's conclusion, else the last number; "
           "numeric equality";
}

std::optional<std::string> Gsm8kVerifier::extractAnswer(std::string_view response,
                                                        std::string_view question) const {
    if (auto h = extract::afterHashes(response)) return h;
    if (auto b = extract::lastBoxed(response)) return b;
    if (auto p = extract::answerPhrase(response); p && extract::firstNumber(*p)) return p;
    if (auto c = extract::conclusion(response, question); c && extract::firstNumber(extract::lastSide(*c)))
        return c;
    return extract::lastNumber(response);
}

std::string Gsm8kVerifier::referenceAnswer(std::string_view reference) const {
    if (auto h = extract::afterHashes(reference)) return *h;
    return std::string(reference);
}

std::string Gsm8kVerifier::normalize(std::string_view answer) const {
    if (auto v = numericValue(answer)) return formatNumber(*v);
    return mathanswer::normalize(answer);
}

bool Gsm8kVerifier::equivalent(std::string_view answer, std::string_view reference) const {
    auto a = numericValue(answer), r = numericValue(reference);
    if (!a || !r) return false;
    return std::fabs(*a - *r) <= 1e-6 * std::max(1.0, std::fabs(*r));
}

// ---- choice ----------------------------------------------------------------------------------------

std::string ChoiceVerifier::description() const {
    return "the option letter: \\boxed{C}, 'the answer is (C)'";
}

std::optional<std::string> ChoiceVerifier::extractAnswer(std::string_view response, std::string_view) const {
    if (auto c = extract::choiceLetter(response)) return std::string(1, *c);
    return std::nullopt;
}

std::string ChoiceVerifier::normalize(std::string_view answer) const {
    if (auto c = extract::choiceLetter(answer)) return std::string(1, *c);
    return text::trimmed(answer);
}

bool ChoiceVerifier::equivalent(std::string_view answer, std::string_view reference) const {
    auto a = extract::choiceLetter(answer), r = extract::choiceLetter(reference);
    return a && r && *a == *r;
}

// ---- exact -----------------------------------------------------------------------------------------

std::string ExactVerifier::description() const {
    return "exact match after trimming, case folding and dropping a final full stop";
}

std::optional<std::string> ExactVerifier::extractAnswer(std::string_view response, std::string_view) const {
    if (auto b = extract::lastBoxed(response)) return b;
    if (auto p = extract::answerPhrase(response)) return p;
    std::string_view t = text::trim(response);
    if (t.empty()) return std::nullopt;
    const size_t nl = t.rfind('\n');
    return std::string(text::trim(nl == std::string_view::npos ? t : t.substr(nl + 1)));
}

std::string ExactVerifier::normalize(std::string_view answer) const {
    std::string s = extract::stripMathDelimiters(answer);
    if (s.size() >= 2 && (s.front() == '"' || s.front() == '\'') && s.back() == s.front())
        s = s.substr(1, s.size() - 2);
    return text::toLower(text::collapseWhitespace(s));
}

bool ExactVerifier::equivalent(std::string_view answer, std::string_view reference) const {
    return normalize(answer) == normalize(reference);
}

} // namespace gpo
