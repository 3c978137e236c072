#include "store/policy_comparison.h"

#include "mc/wilson.h"

#include <stdexcept>

namespace gpo {
namespace {

bool solved(const ProblemSamples& s) {
    return 2 * s.right > s.total;
}

/// The answer to show: a right one where it solved the problem, else a wrong one.
int64_t shown(const ProblemSamples& s) {
    return solved(s) ? s.rightTrajectory : (s.wrongTrajectory ? s.wrongTrajectory : s.rightTrajectory);
}

EvalRunEntry requireRun(Project& project, const std::string& dataset, const std::string& policy,
                        const EvalSampling& how) {
    if (auto r = latestEvalRun(project, dataset, policy, how)) return *r;
    throw std::invalid_argument("'" + policy + "' has no finished evaluation on dataset '" + dataset + "' (" +
                                how.describe() + "): evaluate it first");
}

void describeProblem(Project& project, ProblemOutcome& o) {
    auto st = project.db().prepare("SELECT source_id, question FROM problems WHERE id = ?");
    st.bind(1, o.problemId);
    if (!st.step()) return;
    o.sourceId = st.columnText(0);
    o.question = st.columnText(1);
}

} // namespace

PolicyComparison comparePolicies(Project& project, const std::string& dataset, const std::string& policyA,
                                 const std::string& policyB, const EvalSampling& how) {
    PolicyComparison c;
    c.dataset = dataset;
    c.policyA = policyA;
    c.policyB = policyB;
    c.sampling = how;
    c.runA = requireRun(project, dataset, policyA, how).id;
    c.runB = requireRun(project, dataset, policyB, how).id;
    const auto a = samplesOfRun(project, c.runA);
    const auto b = samplesOfRun(project, c.runB);
    double sumA = 0, sumB = 0;
    for (const auto& [problem, x] : a) {
        const auto y = b.find(problem);
        if (y == b.end() || x.total == 0 || y->second.total == 0) continue;
        ++c.problems;
        c.answersA += static_cast<double>(x.total);
        c.answersB += static_cast<double>(y->second.total);
        sumA += x.fraction();
        sumB += y->second.fraction();
        if (solved(x) == solved(y->second)) continue;
        ProblemOutcome o{problem, {}, {}, shown(x), shown(y->second), x.fraction(), y->second.fraction()};
        describeProblem(project, o);
        (solved(x) ? c.onlyA : c.onlyB).push_back(std::move(o));
    }
    if (c.problems == 0)
        throw std::invalid_argument("'" + policyA + "' and '" + policyB + "' answered no problem of '" +
                                    dataset + "' in common");
    const auto n = static_cast<double>(c.problems);
    c.answersA /= n;
    c.answersB /= n;
    c.passA = sumA / n;
    c.passB = sumB / n;
    const mc::Interval ia = mc::wilson(sumA, c.problems), ib = mc::wilson(sumB, c.problems);
    c.lowA = ia.low;
    c.highA = ia.high;
    c.lowB = ib.low;
    c.highB = ib.high;
    return c;
}

} // namespace gpo
