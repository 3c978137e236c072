#pragma once
// Grading a file of verifier cases — (reference, response, expected verdict) — and counting where a
// verifier agrees with the verdicts people wrote down, such as Math-Verify's own test suite
// (tests/fixtures/math_verify/cases.jsonl). A false accept (a right verdict where the case expects a wrong
// one) is a wrong reward in training, so it is counted apart.
#include "data/verifier.h"

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace gpo {

struct VerifierCase {
    std::string test; ///< the case's name in its source
    std::string reference, response;
    bool expected = false;
    std::size_t line = 0; ///< 1-based, in the file
};

/// One JSON object a line with `gold` (or `reference`), `pred` (or `response`), `expected` (bool or 0/1)
/// and optionally `test`. Throws InputError naming the file, the line and the field.
std::vector<VerifierCase> readVerifierCases(const std::string& path);

struct CaseOutcome {
    const VerifierCase* c = nullptr;
    Verdict verdict;
    bool agrees() const { return verdict.correct == c->expected; }
};

struct CaseReport {
    int64_t cases = 0, agreed = 0, falseAccepts = 0, falseRejects = 0;
    struct Group {
        int64_t cases = 0, agreed = 0;
    };
    std::map<std::string, Group>
        byTest; ///< by the test's name up to its parameter id ("test_relations_math")
    std::vector<CaseOutcome> disagreements;
    double agreement() const {
        return cases ? static_cast<double>(agreed) / static_cast<double>(cases) : 0.0;
    }
    nlohmann::json toJson(bool withDisagreements) const;
};

CaseReport gradeVerifierCases(const Verifier& verifier, const std::vector<VerifierCase>& cases);

} // namespace gpo
