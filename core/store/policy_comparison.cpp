#include "store/policy_comparison.h"

#include "mc/wilson.h"

#include <map>
#include <stdexcept>

namespace gpo {
namespace {

struct Answers {
    int64_t right = 0, total = 0;
    int64_t wrongTrajectory = 0, rightTrajectory = 0;
    double fraction() const { return total ? static_cast<double>(right) / static_cast<double>(total) : 0.0; }
    bool solved() const { return 2 * right > total; }
    int64_t shown() const {
        return solved() ? rightTrajectory : (wrongTrajectory ? wrongTrajectory : rightTrajectory);
    }
};

std::map<int64_t, Answers> answersOf(Project& project, const std::string& dataset,
                                     const std::string& source) {
    auto st = project.db().prepare(
        "SELECT t.problem_id, t.id, t.correct FROM trajectories t JOIN problems p ON p.id = t.problem_id "
        "JOIN datasets d ON d.id = p.dataset_id WHERE d.name = ? AND t.source = ? AND t.correct IS NOT NULL "
        "ORDER BY t.id");
    st.bind(1, dataset).bind(2, source);
    std::map<int64_t, Answers> out;
    while (st.step()) {
        Answers& a = out[st.columnInt(0)];
        ++a.total;
        if (st.columnInt(2)) {
            ++a.right;
            if (!a.rightTrajectory) a.rightTrajectory = st.columnInt(1);
        } else if (!a.wrongTrajectory) {
            a.wrongTrajectory = st.columnInt(1);
        }
    }
    return out;
}

std::string questionOf(Project& project, int64_t problemId) {
    auto st = project.db().prepare("SELECT question FROM problems WHERE id = ?");
    st.bind(1, problemId);
    return st.step() ? st.columnText(0) : std::string();
}

} // namespace

std::vector<std::string> answeringSources(Project& project, const std::string& dataset) {
    auto st = project.db().prepare(
        "SELECT t.source FROM trajectories t JOIN problems p ON p.id = t.problem_id JOIN datasets d ON "
        "d.id = p.dataset_id WHERE d.name = ? AND t.correct IS NOT NULL GROUP BY t.source ORDER BY count(*) "
        "DESC, t.source");
    st.bind(1, dataset);
    std::vector<std::string> out;
    while (st.step())
        out.push_back(st.columnText(0));
    return out;
}

PolicyComparison comparePolicies(Project& project, const std::string& dataset, const std::string& policyA,
                                 const std::string& policyB) {
    PolicyComparison c;
    c.dataset = dataset;
    c.policyA = policyA;
    c.policyB = policyB;
    const auto a = answersOf(project, dataset, policyA);
    const auto b = answersOf(project, dataset, policyB);
    if (a.empty())
        throw std::invalid_argument("'" + policyA + "' has no verified answers in dataset '" + dataset +
                                    "' (evaluate it first)");
    if (b.empty())
        throw std::invalid_argument("'" + policyB + "' has no verified answers in dataset '" + dataset +
                                    "' (evaluate it first)");
    double sumA = 0, sumB = 0;
    for (const auto& [problem, x] : a) {
        const auto y = b.find(problem);
        if (y == b.end()) continue;
        ++c.problems;
        c.answersA += static_cast<double>(x.total);
        c.answersB += static_cast<double>(y->second.total);
        sumA += x.fraction();
        sumB += y->second.fraction();
        if (x.solved() == y->second.solved()) continue;
        ProblemOutcome o{problem,      questionOf(project, problem), x.shown(), y->second.shown(),
                         x.fraction(), y->second.fraction()};
        (x.solved() ? c.onlyA : c.onlyB).push_back(std::move(o));
    }
    if (c.problems == 0)
        throw std::invalid_argument("'" + policyA + "' and '" + policyB + "' answered no problem of '" +
                                    dataset + "' in common");
    c.answersA /= static_cast<double>(c.problems);
    c.answersB /= static_cast<double>(c.problems);
    c.passA = sumA / static_cast<double>(c.problems);
    c.passB = sumB / static_cast<double>(c.problems);
    const mc::Interval ia = mc::wilson(sumA, c.problems), ib = mc::wilson(sumB, c.problems);
    c.lowA = ia.low;
    c.highA = ia.high;
    c.lowB = ib.low;
    c.highB = ib.high;
    return c;
}

} // namespace gpo
