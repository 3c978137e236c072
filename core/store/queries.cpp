#include "store/queries.h"

#include "store/step_codec.h"
#include "util/input_error.h"

#include <algorithm>
#include <stdexcept>

namespace gpo {

ProjectStats projectStats(Project& project) {
    auto& db = project.db();
    ProjectStats s;
    auto totals = db.prepare(
        "SELECT (SELECT count(*) FROM problems), (SELECT count(*) FROM trajectories),"
        " (SELECT coalesce(sum(n_steps), 0) FROM trajectories), (SELECT count(*) FROM annotations)");
    if (totals.step()) {
        s.problems = totals.columnInt(0);
        s.trajectories = totals.columnInt(1);
        s.steps = totals.columnInt(2);
        s.annotations = totals.columnInt(3);
    }
    auto per = db.prepare(R"SQL(
        SELECT d.name, d.format, d.verifier,
          (SELECT count(*) FROM problems p WHERE p.dataset_id = d.id),
          (SELECT count(*) FROM trajectories t JOIN problems p ON p.id = t.problem_id WHERE p.dataset_id = d.id),
          (SELECT coalesce(sum(t.n_steps), 0) FROM trajectories t JOIN problems p ON p.id = t.problem_id WHERE p.dataset_id = d.id),
          (SELECT count(*) FROM annotations a JOIN trajectories t ON t.id = a.trajectory_id
             JOIN problems p ON p.id = t.problem_id WHERE p.dataset_id = d.id),
          (SELECT count(*) FROM trajectories t JOIN problems p ON p.id = t.problem_id
             WHERE p.dataset_id = d.id AND t.correct IS NOT NULL),
          (SELECT count(*) FROM trajectories t JOIN problems p ON p.id = t.problem_id
             WHERE p.dataset_id = d.id AND t.correct = 1)
        FROM datasets d ORDER BY d.name)SQL");
    while (per.step()) {
        DatasetStats d;
        d.name = per.columnText(0);
        d.format = per.columnText(1);
        d.verifier = per.columnText(2);
        d.problems = per.columnInt(3);
        d.trajectories = per.columnInt(4);
        d.steps = per.columnInt(5);
        d.annotations = per.columnInt(6);
        d.verified = per.columnInt(7);
        d.correct = per.columnInt(8);
        s.datasets.push_back(d);
    }
    return s;
}

std::vector<int64_t> trajectoryIds(Project& project, const TrajectoryFilter& f) {
    std::string sqlText = "SELECT t.id FROM trajectories t JOIN problems p ON p.id = t.problem_id"
                          " JOIN datasets d ON d.id = p.dataset_id WHERE 1";
    if (!f.dataset.empty()) sqlText += " AND d.name = ?1";
    if (!f.source.empty()) sqlText += " AND t.source = ?2";
    switch (f.correctness) {
    case Correctness::Correct:
        sqlText += " AND t.correct = 1";
        break;
    case Correctness::Incorrect:
        sqlText += " AND t.correct = 0";
        break;
    case Correctness::Unverified:
        sqlText += " AND t.correct IS NULL";
        break;
    case Correctness::Any:
        break;
    }
    if (!f.text.empty())
        sqlText +=
            " AND (instr(lower(p.question), lower(?3)) > 0 OR instr(lower(t.response), lower(?3)) > 0)";
    sqlText += " ORDER BY t.id";
    auto st = project.db().prepare(sqlText);
    if (!f.dataset.empty()) st.bind(1, f.dataset);
    if (!f.source.empty()) st.bind(2, f.source);
    if (!f.text.empty()) st.bind(3, f.text);
    std::vector<int64_t> ids;
    const bool restrict = !f.ids.empty();
    std::vector<int64_t> wanted = f.ids;
    std::sort(wanted.begin(), wanted.end());
    while (st.step()) {
        const int64_t id = st.columnInt(0);
        if (restrict && !std::binary_search(wanted.begin(), wanted.end(), id)) continue;
        ids.push_back(id);
    }
    return ids;
}

std::vector<TrajectoryRow> trajectoryRows(Project& project, const std::vector<int64_t>& ids) {
    std::vector<TrajectoryRow> rows;
    rows.reserve(ids.size());
    auto st = project.db().prepare(
        "SELECT t.id, t.problem_id, d.name, t.source, substr(p.question, 1, 160), t.n_steps, t.correct,"
        " coalesce(t.final_answer, ''), t.first_error,"
        " (SELECT count(DISTINCT c.run_id) FROM critical_picks c WHERE c.trajectory_id = t.id)"
        " FROM trajectories t JOIN problems p ON p.id = t.problem_id"
        " JOIN datasets d ON d.id = p.dataset_id WHERE t.id = ?");
    for (int64_t id : ids) {
        st.bind(1, id);
        if (st.step()) {
            TrajectoryRow r;
            r.id = st.columnInt(0);
            r.problemId = st.columnInt(1);
            r.dataset = st.columnText(2);
            r.source = st.columnText(3);
            r.questionStart = st.columnText(4);
            r.steps = st.columnInt(5);
            if (!st.columnIsNull(6)) r.correct = st.columnInt(6) != 0;
            r.finalAnswer = st.columnText(7);
            r.firstError = st.columnOptInt(8);
            r.analyses = st.columnInt(9);
            rows.push_back(std::move(r));
        }
        st.reset();
    }
    return rows;
}

std::optional<TrajectoryDetail> loadTrajectory(Project& project, int64_t id) {
    auto& db = project.db();
    auto st = db.prepare(
        "SELECT t.id, t.problem_id, d.name, CASE WHEN p.verifier <> '' THEN p.verifier ELSE d.verifier END,"
        " p.source_id, p.question, p.answer, p.answer_from, p.subject, p.level, p.split, t.source, "
        "t.response,"
        " t.first_error, t.label_correct, t.correct, coalesce(t.final_answer, ''), t.step_offsets,"
        " coalesce(t.step_labels, x'')"
        " FROM trajectories t JOIN problems p ON p.id = t.problem_id JOIN datasets d ON d.id = p.dataset_id"
        " WHERE t.id = ?");
    st.bind(1, id);
    if (!st.step()) return std::nullopt;
    TrajectoryDetail d;
    d.id = st.columnInt(0);
    d.problemId = st.columnInt(1);
    d.dataset = st.columnText(2);
    d.verifier = st.columnText(3);
    d.problem.sourceId = st.columnText(4);
    d.problem.question = st.columnText(5);
    d.problem.answer = st.columnText(6);
    d.answerFrom = st.columnText(7);
    d.problem.subject = st.columnText(8);
    d.problem.level = st.columnText(9);
    d.problem.split = st.columnText(10);
    d.trajectory.source = st.columnText(11);
    d.trajectory.response = st.columnText(12);
    if (auto fe = st.columnOptInt(13)) d.trajectory.firstError = static_cast<int>(*fe);
    if (!st.columnIsNull(14)) d.trajectory.labeledCorrect = st.columnInt(14) != 0;
    if (!st.columnIsNull(15)) d.correct = st.columnInt(15) != 0;
    d.finalAnswer = st.columnText(16);
    try {
        d.trajectory.steps =
            stepcodec::decode(st.columnBlob(17), st.columnBlob(18), d.trajectory.response.size());
    } catch (const std::exception& e) {
        throw StoreError(project.path() + ": trajectory " + std::to_string(id) + ": " + e.what());
    }
    return d;
}

std::vector<std::string> datasetNames(Project& project) {
    std::vector<std::string> names;
    auto st = project.db().prepare("SELECT name FROM datasets ORDER BY name");
    while (st.step())
        names.push_back(st.columnText(0));
    return names;
}

void requireDataset(Project& project, const std::string& dataset) {
    auto exists = project.db().prepare("SELECT 1 FROM datasets WHERE name = ?");
    exists.bind(1, dataset);
    if (!exists.step()) throw std::invalid_argument("no dataset named '" + dataset + "' in the project");
}

std::vector<GradableProblem> gradableProblems(Project& project, const std::string& dataset, int64_t limit,
                                              int64_t* withoutAnswer) {
    requireDataset(project, dataset);
    auto st = project.db().prepare(
        "SELECT p.id, p.question, p.answer,"
        " CASE WHEN p.verifier <> '' THEN p.verifier ELSE d.verifier END"
        " FROM problems p JOIN datasets d ON d.id = p.dataset_id WHERE d.name = ? ORDER BY p.id");
    st.bind(1, dataset);
    std::vector<GradableProblem> out;
    while (st.step() && (limit <= 0 || static_cast<int64_t>(out.size()) < limit)) {
        GradableProblem p{st.columnInt(0), st.columnText(1), st.columnText(2), st.columnText(3)};
        if (p.answer.empty()) {
            if (withoutAnswer) ++*withoutAnswer; // nothing to grade against
        } else {
            out.push_back(std::move(p));
        }
    }
    if (out.empty())
        throw std::invalid_argument("dataset '" + dataset + "' has no problem with a reference answer");
    return out;
}

} // namespace gpo
