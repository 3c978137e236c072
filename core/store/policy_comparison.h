#pragma once
// Two policies on one dataset, from evaluations that sampled the same way (`gpo eval` records each sample):
// pass@1 of each with a 95% Wilson interval over the problems both answered, and the problems one solves
// and the other does not. Every sample counts as often as it was drawn, so a policy whose right answers
// repeat is not read low. A problem counts as solved when most of the policy's samples are right (with one
// greedy answer: when it is right).
#include "store/eval_samples.h"

#include <string>
#include <vector>

namespace gpo {

struct ProblemOutcome {
    int64_t problemId = 0;
    std::string sourceId; ///< the dataset's own id of the problem, when it has one
    std::string question;
    int64_t trajectoryA = 0, trajectoryB = 0; ///< an answer of each (a wrong one where it failed)
    double rightA = 0, rightB = 0;            ///< the fraction of each policy's samples that are right
};

struct PolicyComparison {
    std::string dataset, policyA, policyB;
    EvalSampling sampling;
    int64_t runA = 0, runB = 0; ///< the evaluations compared
    int64_t problems = 0;       ///< answered by both
    double passA = 0, passB = 0;
    double lowA = 0, highA = 0, lowB = 0, highB = 0;
    double answersA = 0, answersB = 0;        ///< samples a problem, on average (pass@1 averages over them)
    std::vector<ProblemOutcome> onlyA, onlyB; ///< solved by one and not the other
};

/// Compares the newest evaluations of the two policies on `dataset` that sampled as `how`. Throws
/// std::invalid_argument naming the dataset, the policy without such an evaluation, and the sampling.
PolicyComparison comparePolicies(Project& project, const std::string& dataset, const std::string& policyA,
                                 const std::string& policyB,
                                 const EvalSampling& how = EvalSampling::greedy());

} // namespace gpo
