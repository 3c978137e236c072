#include "store/run_lineage.h"

namespace gpo {
namespace {

constexpr const char* kPairColumns =
    "SELECT p.id, s.name, coalesce(p.chosen, ''), coalesce(p.rejected, ''), p.prompt, p.trajectory_id, "
    "p.analysis_run_id, p.step_idx, coalesce(p.selector, ''), t.first_error FROM pairs p "
    "JOIN pair_sets s ON s.id = p.set_id LEFT JOIN trajectories t ON t.id = p.trajectory_id";

std::string lastLine(const std::string& prompt) {
    std::string s = prompt;
    while (!s.empty() && (s.back() == '\n' || s.back() == ' '))
        s.pop_back();
    const auto nl = s.rfind('\n');
    return nl == std::string::npos ? s : s.substr(nl + 1);
}

std::vector<int> humanSteps(Project& project, int64_t trajectoryId) {
    auto st = project.db().prepare("SELECT DISTINCT critical_step FROM annotations WHERE trajectory_id = ? "
                                   "AND critical_step IS NOT NULL "
                                   "ORDER BY 1");
    st.bind(1, trajectoryId);
    std::vector<int> out;
    while (st.step())
        out.push_back(static_cast<int>(st.columnInt(0)));
    return out;
}

std::vector<TracedPair> readPairs(Project& project, sql::Statement& st) {
    std::vector<TracedPair> out;
    while (st.step()) {
        TracedPair p;
        p.pairId = st.columnInt(0);
        p.setName = st.columnText(1);
        p.chosen = st.columnText(2);
        p.rejected = st.columnText(3);
        p.promptTail = lastLine(st.columnText(4));
        if (!st.columnIsNull(5)) p.trajectoryId = st.columnInt(5);
        if (!st.columnIsNull(6)) p.analysisRunId = st.columnInt(6);
        if (!st.columnIsNull(7)) p.stepIdx = static_cast<int>(st.columnInt(7));
        p.selector = st.columnText(8);
        if (!st.columnIsNull(9) && st.columnInt(9) >= 0) p.labelledError = static_cast<int>(st.columnInt(9));
        out.push_back(std::move(p));
    }
    for (TracedPair& p : out)
        if (p.trajectoryId) p.humanSteps = humanSteps(project, *p.trajectoryId);
    return out;
}

} // namespace

std::vector<TracedPair> pairsFromTrajectory(Project& project, int64_t trajectoryId) {
    auto st =
        project.db().prepare(std::string(kPairColumns) + " WHERE p.trajectory_id = ? ORDER BY s.id, p.id");
    st.bind(1, trajectoryId);
    return readPairs(project, st);
}

std::vector<TrainedRun> runsTrainedOn(Project& project, const std::string& pairSet) {
    auto st = project.db().prepare(
        "SELECT id, name, status, coalesce(json_extract(config, '$.algorithm'), ''), "
        "coalesce(json_extract(config, '$.gpo'), 0) FROM runs WHERE kind = 'training' AND "
        "json_extract(config, '$.resolved.pairs') = ? ORDER BY id");
    st.bind(1, pairSet);
    std::vector<TrainedRun> out;
    while (st.step())
        out.push_back({st.columnInt(0), st.columnText(1), st.columnText(2),
                       (st.columnInt(4) ? "gpo-" : "") + st.columnText(3)});
    return out;
}

std::string pairSetOfRun(Project& project, int64_t runId) {
    auto st = project.db().prepare(
        "SELECT coalesce(json_extract(config, '$.resolved.pairs'), '') FROM runs WHERE id = ?");
    st.bind(1, runId);
    return st.step() ? st.columnText(0) : std::string();
}

std::vector<TracedPair> pairsOfRun(Project& project, int64_t runId, int64_t limit) {
    const std::string set = pairSetOfRun(project, runId);
    if (set.empty()) return {};
    auto st = project.db().prepare(std::string(kPairColumns) +
                                   " WHERE s.name = ? ORDER BY p.trajectory_id IS NULL, p.id LIMIT ?");
    st.bind(1, set).bind(2, limit > 0 ? limit : int64_t(-1));
    return readPairs(project, st);
}

} // namespace gpo
