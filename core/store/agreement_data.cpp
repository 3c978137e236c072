#include "store/agreement_data.h"

#include "stats/rank_correlation.h"
#include "store/analysis.h"

#include <set>

namespace gpo {

std::vector<LabelSet> labelSets(Project& project, const LabelFilter& filter) {
    std::vector<LabelSet> out;
    std::map<std::string, size_t> index;
    auto add = [&](const std::string& name, const char* kind, int64_t trajectory, int step) {
        auto [it, fresh] = index.try_emplace(name, out.size());
        if (fresh) out.push_back({name, kind, {}});
        out[it->second].labels[trajectory] = step;
    };
    // ?1 study, ?2 dataset, ?3/?4 length bounds: the trajectories the filter keeps.
    const std::string kept =
        " (?1 IS NULL OR t.id IN (SELECT trajectory_id FROM study_items WHERE study_id = ?1))"
        " AND (?2 = '' OR d.name = ?2) AND (?3 = 0 OR t.n_steps >= ?3)"
        " AND (?4 = 0 OR t.n_steps <= ?4)";
    auto bindFilter = [&](sql::Statement& st) {
        st.bind(1, filter.studyId).bind(2, filter.dataset).bind(3, filter.minSteps).bind(4, filter.maxSteps);
    };
    auto ds = project.db().prepare(
        "SELECT d.name, t.id, t.first_error FROM trajectories t JOIN problems p ON p.id = t.problem_id"
        " JOIN datasets d ON d.id = p.dataset_id WHERE t.first_error IS NOT NULL AND" +
        kept +
        " AND NOT EXISTS (SELECT 1 FROM annotators a WHERE a.name = d.name AND a.kind = d.format)"
        " ORDER BY d.name, t.id");
    bindFilter(ds);
    while (ds.step())
        add("first_error:" + ds.columnText(0), "dataset", ds.columnInt(1), static_cast<int>(ds.columnInt(2)));
    // A person's newest annotation of each trajectory.
    auto an = project.db().prepare(
        "SELECT a.name, n.trajectory_id, n.critical_step, n.no_single_step FROM annotations n"
        " JOIN annotators a ON a.id = n.annotator_id JOIN trajectories t ON t.id = n.trajectory_id"
        " JOIN problems p ON p.id = t.problem_id JOIN datasets d ON d.id = p.dataset_id"
        " WHERE (n.critical_step IS NOT NULL OR n.no_single_step = 1) AND (?1 IS NULL OR n.study_id = ?1) "
        "AND" +
        kept + " ORDER BY a.name, n.updated_at, n.id");
    bindFilter(an);
    const std::set<std::string> only(filter.annotators.begin(), filter.annotators.end());
    while (an.step()) {
        const std::string name = an.columnText(0);
        if (!only.empty() && !only.count(name)) continue;
        add("annotator:" + name, "annotator", an.columnInt(1),
            an.columnInt(3) ? -1 : static_cast<int>(an.columnInt(2)));
    }
    return out;
}

std::map<std::string, std::map<int64_t, std::optional<int>>> selectorPicks(Project& project,
                                                                           std::optional<int64_t> runId) {
    std::map<std::string, std::map<int64_t, std::optional<int>>> out;
    auto st = project.db().prepare(runId ? "SELECT selector, trajectory_id, step_idx FROM critical_picks"
                                           " WHERE run_id = ?"
                                         : "SELECT selector, trajectory_id, step_idx FROM critical_picks"
                                           " ORDER BY run_id"); // newer runs overwrite older
    if (runId) st.bind(1, *runId);
    while (st.step()) {
        std::optional<int> step;
        if (!st.columnIsNull(2)) step = static_cast<int>(st.columnInt(2));
        out[st.columnText(0)][st.columnInt(1)] = step;
    }
    return out;
}

std::optional<stats::Reliability> betweenAnnotators(const std::vector<LabelSet>& sets,
                                                    const stats::BootstrapOptions& options) {
    stats::Ratings nominal, interval;
    for (const auto& set : sets) {
        if (set.kind != "annotator") continue;
        for (const auto& [trajectory, step] : set.labels) {
            const std::string unit = std::to_string(trajectory);
            nominal.add(unit, set.name, step >= 0 ? std::to_string(step) : "none");
            interval.add(unit, set.name,
                         step >= 0 ? std::optional<std::string>(std::to_string(step)) : std::nullopt);
        }
    }
    if (nominal.raters() < 2) return std::nullopt;
    stats::Reliability r = stats::reliability(nominal, options);
    r.alphaInterval = stats::reliability(interval, options).alphaInterval;
    return r;
}

nlohmann::json AdvantagePickCorrelation::toJson() const {
    auto optional = [](const std::optional<double>& v) { return v ? nlohmann::json(*v) : nlohmann::json(); };
    return {{"trajectories", trajectories},
            {"steps", steps},
            {"spearman_advantage", optional(advantage)},
            {"spearman_abs_advantage", optional(absAdvantage)}};
}

AdvantagePickCorrelation advantagePickCorrelation(Project& project, const std::vector<LabelSet>& sets,
                                                  std::optional<int64_t> runId) {
    std::map<int64_t, std::map<int, double>> picked; // trajectory -> step -> people who picked it
    std::map<int64_t, double> people;                // trajectory -> people who answered
    for (const auto& set : sets) {
        if (set.kind != "annotator") continue;
        for (const auto& [trajectory, step] : set.labels) {
            people[trajectory] += 1;
            if (step >= 0) picked[trajectory][step] += 1;
        }
    }
    AdvantagePickCorrelation c;
    std::vector<double> advantage, absAdvantage, share;
    for (const auto& [trajectory, answered] : people) {
        const auto run = runId ? runId : latestAnalysisRunFor(project, trajectory);
        const auto analysis = run ? loadAnalysis(project, *run, trajectory) : std::nullopt;
        if (!analysis) continue;
        ++c.trajectories;
        for (const auto& e : analysis->estimates) {
            if (!e.advantage) continue;
            const auto& byStep = picked[trajectory];
            const auto it = byStep.find(e.step);
            advantage.push_back(*e.advantage);
            absAdvantage.push_back(std::abs(*e.advantage));
            share.push_back((it == byStep.end() ? 0.0 : it->second) / answered);
        }
    }
    c.steps = static_cast<int64_t>(share.size());
    c.advantage = stats::spearman(advantage, share);
    c.absAdvantage = stats::spearman(absAdvantage, share);
    return c;
}

} // namespace gpo
