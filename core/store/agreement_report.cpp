#include "store/agreement_report.h"

#include "stats/agreement.h"

#include <algorithm>
#include <set>

namespace gpo {
namespace {

struct TrajectoryInfo {
    std::string dataset;
    int64_t steps = 0;
};

std::map<int64_t, TrajectoryInfo> trajectoryInfo(Project& project, const std::vector<LabelSet>& sets) {
    std::set<int64_t> ids;
    for (const auto& set : sets)
        for (const auto& entry : set.labels)
            ids.insert(entry.first);
    std::map<int64_t, TrajectoryInfo> out;
    auto st = project.db().prepare("SELECT d.name, t.n_steps FROM trajectories t JOIN problems p ON p.id ="
                                   " t.problem_id JOIN datasets d ON d.id = p.dataset_id WHERE t.id = ?");
    for (int64_t id : ids) {
        st.reset();
        st.bind(1, id);
        if (st.step()) out[id] = {st.columnText(0), st.columnInt(1)};
    }
    return out;
}

/// People's answers pooled: one item per (annotator, trajectory) the selector picked on, clustered by
/// trajectory (answers to one trajectory are not independent).
struct Pooled {
    std::vector<stats::PickAndLabel> items;
    std::vector<int64_t> trajectories;
};
Pooled pooled(const std::map<int64_t, std::optional<int>>& picks, const std::vector<LabelSet>& sets,
              const std::function<bool(int64_t)>& keep) {
    Pooled out;
    for (const auto& set : sets) {
        if (set.kind != "annotator") continue;
        for (const auto& [trajectory, label] : set.labels) {
            const auto pick = picks.find(trajectory);
            if (pick == picks.end() || !keep(trajectory)) continue;
            out.items.push_back({pick->second, label});
            out.trajectories.push_back(trajectory);
        }
    }
    return out;
}

nlohmann::json annotatorTable(Project& project, const std::vector<LabelSet>& sets,
                              const LabelFilter& filter) {
    // trajectory -> annotator -> answer, to compare each person with the others.
    std::map<int64_t, std::map<std::string, int>> answers;
    for (const auto& set : sets)
        if (set.kind == "annotator")
            for (const auto& [trajectory, step] : set.labels)
                answers[trajectory][set.name] = step;
    auto st = project.db().prepare(
        "SELECT a.kind, count(*), coalesce(sum(n.skipped = 1 AND n.critical_step IS NULL AND "
        "n.no_single_step = 0), 0),"
        " avg(n.seconds), avg(n.confidence) FROM annotations n JOIN annotators a ON a.id = n.annotator_id"
        " WHERE a.name = ?1 AND (?2 IS NULL OR n.study_id = ?2)");
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& set : sets) {
        if (set.kind != "annotator") continue;
        const std::string name = set.name.substr(std::string("annotator:").size());
        nlohmann::json row = {{"annotator", name}, {"answered", set.labels.size()}};
        int64_t none = 0;
        double agreeing = 0;
        int64_t compared = 0;
        for (const auto& [trajectory, step] : set.labels) {
            none += step < 0 ? 1 : 0;
            const auto& others = answers[trajectory];
            if (others.size() < 2) continue;
            int64_t same = 0;
            for (const auto& [other, answer] : others)
                same += (other != set.name && answer == step) ? 1 : 0;
            agreeing += static_cast<double>(same) / static_cast<double>(others.size() - 1);
            ++compared;
        }
        row["no_single_step"] = none;
        row["agreement_with_others"] =
            compared ? nlohmann::json(agreeing / static_cast<double>(compared)) : nlohmann::json();
        row["compared"] = compared;
        st.reset();
        st.bind(1, name).bind(2, filter.studyId);
        if (st.step()) {
            row["kind"] = st.columnText(0);
            row["skipped"] = st.columnInt(2);
            row["mean_seconds"] = st.columnIsNull(3) ? nlohmann::json() : nlohmann::json(st.columnDouble(3));
            row["mean_confidence"] =
                st.columnIsNull(4) ? nlohmann::json() : nlohmann::json(st.columnDouble(4));
        }
        rows.push_back(row);
    }
    return rows;
}

/// The paper's table: for each trajectory people answered, how many of them chose each selector's pick.
nlohmann::json perTrajectory(const std::map<std::string, std::map<int64_t, std::optional<int>>>& picks,
                             const std::vector<LabelSet>& sets,
                             const std::map<int64_t, TrajectoryInfo>& info) {
    std::map<int64_t, std::map<int, int64_t>> counts; // trajectory -> answer -> people
    for (const auto& set : sets)
        if (set.kind == "annotator")
            for (const auto& [trajectory, step] : set.labels)
                ++counts[trajectory][step];
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& [trajectory, byAnswer] : counts) {
        int64_t people = 0;
        std::pair<int, int64_t> modal{-1, -1};
        for (const auto& [answer, n] : byAnswer) {
            people += n;
            if (n > modal.second) modal = {answer, n};
        }
        nlohmann::json row = {
            {"trajectory_id", trajectory},
            {"people", people},
            {"modal_step", modal.first >= 0 ? nlohmann::json(modal.first + 1) : nlohmann::json()}, // 1-based
            {"modal_share", static_cast<double>(modal.second) / static_cast<double>(people)}};
        if (auto it = info.find(trajectory); it != info.end()) {
            row["dataset"] = it->second.dataset;
            row["steps"] = it->second.steps;
        }
        nlohmann::json match = nlohmann::json::object();
        for (const auto& [selector, chosen] : picks) {
            const auto pick = chosen.find(trajectory);
            if (pick == chosen.end()) continue;
            const auto same = byAnswer.find(pick->second.value_or(-1));
            match[selector] =
                static_cast<double>(same == byAnswer.end() ? 0 : same->second) / static_cast<double>(people);
        }
        row["match"] = match;
        rows.push_back(row);
    }
    return rows;
}

} // namespace

std::string lengthBin(int64_t steps) {
    if (steps <= 4) return "1-4";
    if (steps <= 8) return "5-8";
    if (steps <= 12) return "9-12";
    if (steps <= 20) return "13-20";
    return "21+";
}

nlohmann::json agreementReport(Project& project, const ReportOptions& options) {
    const auto picks = selectorPicks(project, options.runId);
    const auto sets = labelSets(project, options.filter);
    const auto info = trajectoryInfo(project, sets);

    nlohmann::json bySelector = nlohmann::json::object(), rows = nlohmann::json::array();
    for (const auto& [selector, chosen] : picks) {
        for (const auto& set : sets) {
            const stats::Agreement measured = stats::agreement(chosen, set.labels, options.resampling);
            if (measured.n == 0) continue;
            const nlohmann::json s = measured.toJson();
            bySelector[selector][set.name] = s;
            nlohmann::json row = s;
            row["selector"] = selector;
            row["labels"] = set.name;
            row["kind"] = set.kind;
            rows.push_back(row);
        }
    }

    // People pooled against each selector: overall (with intervals), then by dataset and by length.
    nlohmann::json people = nlohmann::json::array(), byDataset = nlohmann::json::array(),
                   byLength = nlohmann::json::array();
    std::set<std::string> datasets, bins;
    for (const auto& [id, t] : info) {
        datasets.insert(t.dataset);
        bins.insert(lengthBin(t.steps));
    }
    const stats::BootstrapOptions noIntervals{0, options.resampling.seed};
    for (const auto& [selector, chosen] : picks) {
        const Pooled all = pooled(chosen, sets, [](int64_t) { return true; });
        if (all.items.empty()) continue;
        nlohmann::json row = stats::agreement(all.items, all.trajectories, options.resampling).toJson();
        row["selector"] = selector;
        people.push_back(row);
        auto group = [&](nlohmann::json& into, const char* key, const std::string& value, auto keep) {
            const Pooled subset = pooled(chosen, sets, keep);
            if (subset.items.empty()) return;
            const stats::Agreement a = stats::agreement(subset.items, noIntervals);
            into.push_back(
                {{"selector", selector},
                 {key, value},
                 {"n", a.n},
                 {"exact", a.exact.value},
                 {"within_1", a.within1.value},
                 {"within_2", a.within2.value},
                 {"mean_abs_offset", a.meanAbsOffset ? nlohmann::json(*a.meanAbsOffset) : nlohmann::json()}});
        };
        for (const auto& d : datasets)
            group(byDataset, "dataset", d, [&](int64_t t) { return info.at(t).dataset == d; });
        for (const auto& b : bins)
            group(byLength, "length", b, [&](int64_t t) { return lengthBin(info.at(t).steps) == b; });
    }

    nlohmann::json labelInfo = nlohmann::json::array();
    for (const auto& set : sets)
        labelInfo.push_back({{"name", set.name}, {"kind", set.kind}, {"n", set.labels.size()}});
    const auto between = betweenAnnotators(sets, options.resampling);
    const auto correlation = advantagePickCorrelation(project, sets, options.runId);
    const auto& f = options.filter;
    return {{"run_id", options.runId ? nlohmann::json(*options.runId) : nlohmann::json()},
            {"filter",
             {{"study_id", f.studyId ? nlohmann::json(*f.studyId) : nlohmann::json()},
              {"dataset", f.dataset},
              {"min_steps", f.minSteps},
              {"max_steps", f.maxSteps},
              {"annotators", f.annotators}}},
            {"selectors", bySelector},
            {"comparisons", rows},
            {"label_sets", labelInfo},
            {"people_vs_model", people},
            {"by_dataset", byDataset},
            {"by_length", byLength},
            {"annotators", annotatorTable(project, sets, f)},
            {"per_trajectory", perTrajectory(picks, sets, info)},
            {"between_annotators", between ? between->toJson() : nlohmann::json()},
            {"advantage_vs_people", correlation.toJson()}};
}

} // namespace gpo
