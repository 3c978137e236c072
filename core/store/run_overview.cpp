#include "store/run_overview.h"

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>

namespace gpo {
namespace {

std::string text(const nlohmann::json& j, const char* key) {
    const auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

/// Fills what the config says: algorithm, policy, device, data, and the total when it is fixed.
void readConfig(RunOverview& o, const nlohmann::json& config) {
    if (!config.is_object()) return;
    const nlohmann::json resolved = config.value("resolved", nlohmann::json::object());
    if (o.run.kind == "training") {
        o.algorithm = (config.value("gpo", false) ? "gpo-" : "") + text(config, "algorithm");
        o.policy = text(resolved, "policy");
        if (o.policy.empty()) o.policy = text(config, "policy");
        o.data = text(resolved, "pairs");
        if (o.data.empty()) o.data = text(config, "dataset");
        if (const auto total = resolved.find("max_steps"); total != resolved.end() && total->is_number())
            o.totalSteps = total->get<int64_t>();
        else if (const auto max = config.find("max_steps");
                 max != config.end() && max->is_number() && max->get<int64_t>() > 0)
            o.totalSteps = max->get<int64_t>();
    } else {
        o.algorithm = o.run.kind;
        o.policy = text(config, "policy");
        if (o.policy.empty() && config.contains("sampling") && config["sampling"].is_object())
            o.policy = text(config["sampling"], "policy"); // an analysis samples with its policy
        o.data = text(config, "dataset");
    }
    o.device = text(resolved, "device");
    if (o.device.empty()) o.device = text(config, "device");
    if (const auto st = resolved.find("stage"); st != resolved.end() && st->is_object()) {
        o.stage = text(*st, "name");
        if (st->contains("done") && (*st)["done"].is_number()) o.stageDone = (*st)["done"].get<int64_t>();
        if (st->contains("total") && (*st)["total"].is_number()) o.stageTotal = (*st)["total"].get<int64_t>();
    }
}

void readMetrics(Project& project, RunOverview& o) {
    auto st = project.db().prepare("SELECT min(step), max(step), min(wall_time), max(wall_time) "
                                   "FROM metrics WHERE run_id = ? AND name NOT LIKE 'eval/%'");
    st.bind(1, o.run.id);
    int64_t firstStep = 0;
    std::optional<double> first;
    if (st.step() && !st.columnIsNull(0)) {
        firstStep = st.columnInt(0);
        o.step = st.columnInt(1);
        if (!st.columnIsNull(2)) first = st.columnDouble(2);
        if (!st.columnIsNull(3)) o.lastWallTime = st.columnDouble(3);
    }
    const char* best = o.run.kind == "eval" ? "pass_at_1" : "eval/pass@1";
    auto b = project.db().prepare(
        "SELECT value, step FROM metrics WHERE run_id = ? AND name = ? ORDER BY value DESC, step LIMIT 1");
    b.bind(1, o.run.id).bind(2, std::string(best));
    if (b.step()) {
        o.bestPassAt1 = b.columnDouble(0);
        if (o.run.kind != "eval") o.bestStep = b.columnInt(1);
    }
    if (o.run.kind == "eval") o.step = 0; // its "step" is the problem count, not progress
    // Time left: the rate between the first and the newest step logged, over the steps still to go.
    if (o.run.state == "running" && o.totalSteps && first && o.lastWallTime && o.step > firstStep &&
        o.step < *o.totalSteps) {
        const double perStep =
            std::max(0.0, *o.lastWallTime - *first) / static_cast<double>(o.step - firstStep);
        o.etaSeconds = perStep * static_cast<double>(*o.totalSteps - o.step);
    }
}

RunOverview overviewOf(Project& project, RunSummary run) {
    RunOverview o;
    o.run = std::move(run);
    readConfig(o, runConfig(project, o.run.id));
    readMetrics(project, o);
    if (o.run.kind == "training" && o.run.status != "done")
        o.checkpointStep = checkpointStepOf(project.path(), o.run.id);
    return o;
}

} // namespace

std::vector<RunOverview> listRunOverviews(Project& project, const std::string& kind) {
    std::vector<RunOverview> out;
    for (RunSummary& r : listRuns(project, kind))
        out.push_back(overviewOf(project, std::move(r)));
    return out;
}

std::optional<RunOverview> runOverview(Project& project, int64_t runId) {
    auto r = runSummary(project, runId);
    if (!r) return std::nullopt;
    return overviewOf(project, std::move(*r));
}

void setRunConfigValue(Project& project, int64_t runId, const std::string& path,
                       const std::string& jsonValue) {
    project.db()
        .prepare("UPDATE runs SET config = json_set(config, ?, json(?)) WHERE id = ?")
        .bind(1, path)
        .bind(2, jsonValue)
        .bind(3, runId)
        .run();
}

std::string RunOverview::preparing() const {
    if (run.state != "running" || step > 0 || stage.empty() || stage == "training") return {};
    if (stageTotal && *stageTotal > 0)
        return stage + " " + std::to_string(stageDone.value_or(0)) + "/" + std::to_string(*stageTotal);
    return stage + "…";
}

std::optional<int64_t> checkpointStepOf(const std::string& projectPath, int64_t runId) {
    std::ifstream in(runFolderOf(projectPath, runId) + "/checkpoint/trainer_state.json");
    if (!in) return std::nullopt;
    const auto state = nlohmann::json::parse(in, nullptr, false);
    if (!state.is_object() || !state.contains("global_step") || !state["global_step"].is_number_integer())
        return std::nullopt;
    return state["global_step"].get<int64_t>();
}

std::string runFolderOf(const std::string& projectPath, int64_t runId) {
    return projectPath + ".runs/run-" + std::to_string(runId);
}

} // namespace gpo
