#pragma once
// Two policies on one dataset, from their evaluations (`gpo eval` stores each answer as a trajectory
// whose source is the policy's name): pass@1 of each with a 95% Wilson interval over the problems both
// answered, and the problems one solves and the other does not. A problem counts as solved when most of
// the policy's answers to it are right (with one greedy answer: when it is right).
#include "store/project.h"

#include <string>
#include <vector>

namespace gpo {

struct ProblemOutcome {
    int64_t problemId = 0;
    std::string question;
    int64_t trajectoryA = 0, trajectoryB = 0; ///< an answer of each (a wrong one where it failed)
    double rightA = 0, rightB = 0;            ///< the fraction of each policy's answers that are right
};

struct PolicyComparison {
    std::string dataset, policyA, policyB;
    int64_t problems = 0; ///< answered by both
    double passA = 0, passB = 0;
    double lowA = 0, highA = 0, lowB = 0, highB = 0;
    double answersA = 0, answersB = 0;        ///< answers a problem, on average (pass@1 averages over them)
    std::vector<ProblemOutcome> onlyA, onlyB; ///< solved by one and not the other
};

/// The sources (policy names) with verified answers in a dataset, most answers first.
std::vector<std::string> answeringSources(Project& project, const std::string& dataset);
/// Throws std::invalid_argument naming the dataset or a policy without verified answers in it.
PolicyComparison comparePolicies(Project& project, const std::string& dataset, const std::string& policyA,
                                 const std::string& policyB);

} // namespace gpo
