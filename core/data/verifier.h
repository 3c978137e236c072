#pragma once
// Verifiers decide whether a response's final answer equals a problem's reference answer.
#include <optional>
#include <string>
#include <string_view>

namespace gpo {

struct Verdict {
    bool parsed = false; ///< a final answer was found in the response
    bool correct = false;
    std::string extracted;           ///< the answer as written in the response
    std::string normalizedAnswer;    ///< its canonical form
    std::string normalizedReference; ///< the reference's canonical form
};

class Verifier {
public:
    virtual ~Verifier() = default;
    virtual std::string name() const = 0;
    virtual std::string description() const = 0;
    /// The final answer stated in a response (or the whole text when it is a bare answer). The question,
    /// when known, tells a quantity the conclusion restates from the one it concludes.
    virtual std::optional<std::string> extractAnswer(std::string_view response,
                                                     std::string_view question = {}) const = 0;
    /// The reference answer: a bare answer, or one taken out of a worked reference solution.
    virtual std::string referenceAnswer(std::string_view reference) const { return std::string(reference); }
    virtual std::string normalize(std::string_view answer) const = 0;
    virtual bool equivalent(std::string_view answer, std::string_view reference) const = 0;

    /// Extracts, normalises and compares.
    Verdict verify(std::string_view response, std::string_view reference,
                   std::string_view question = {}) const;
};

/// Competition mathematics (MATH, MATH-500, AIME, PRM800K): \boxed{} answers, equivalence not equality.
class MathVerifier final : public Verifier {
public:
    std::string name() const override { return "math"; }
    std::string description() const override;
    std::optional<std::string> extractAnswer(std::string_view response,
                                             std::string_view question = {}) const override;
    std::string referenceAnswer(std::string_view reference) const override;
    std::string normalize(std::string_view answer) const override;
    bool equivalent(std::string_view answer, std::string_view reference) const override;
};

/// GSM8K: numeric answers; "#### N", a \boxed{} number, "the answer is N", else the last number.
class Gsm8kVerifier final : public Verifier {
public:
    std::string name() const override { return "gsm8k"; }
    std::string description() const override;
    std::optional<std::string> extractAnswer(std::string_view response,
                                             std::string_view question = {}) const override;
    std::string referenceAnswer(std::string_view reference) const override;
    std::string normalize(std::string_view answer) const override;
    bool equivalent(std::string_view answer, std::string_view reference) const override;
};

/// Multiple choice (MMLU, MMLU-Pro, BBH options): the option letter.
class ChoiceVerifier final : public Verifier {
public:
    std::string name() const override { return "choice"; }
    std::string description() const override;
    std::optional<std::string> extractAnswer(std::string_view response,
                                             std::string_view question = {}) const override;
    std::string normalize(std::string_view answer) const override;
    bool equivalent(std::string_view answer, std::string_view reference) const override;
};

/// Exact match after trimming, case folding and dropping a final full stop (BIG-Bench Hard).
class ExactVerifier final : public Verifier {
public:
    std::string name() const override { return "exact"; }
    std::string description() const override;
    std::optional<std::string> extractAnswer(std::string_view response,
                                             std::string_view question = {}) const override;
    std::string normalize(std::string_view answer) const override;
    bool equivalent(std::string_view answer, std::string_view reference) const override;
};

} // namespace gpo
