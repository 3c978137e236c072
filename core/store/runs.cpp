#include "store/runs.h"

namespace gpo {
namespace {
constexpr const char* kNow = "strftime('%Y-%m-%dT%H:%M:%fZ','now')";
}

int64_t beginRun(Project& project, const std::string& kind, const std::string& name,
                 const nlohmann::json& config) {
    auto st = project.db().prepare(std::string("INSERT INTO runs(kind, name, config, status, started_at)"
                                               " VALUES(?, ?, ?, 'running', ") +
                                   kNow + ")");
    st.bind(1, kind).bind(2, name).bind(3, config.dump()).run();
    return project.db().lastInsertId();
}

void finishRun(Project& project, int64_t runId, const std::string& status, const std::string& error) {
    auto st = project.db().prepare(std::string("UPDATE runs SET status = ?, error = ?, finished_at = ") +
                                   kNow + " WHERE id = ?");
    st.bind(1, status);
    if (!error.empty()) st.bind(2, error);
    st.bind(3, runId).run();
}

bool hasFinishedRun(Project& project, const std::string& kind, const std::string& name) {
    auto st =
        project.db().prepare("SELECT 1 FROM runs WHERE kind = ? AND name = ? AND status = 'done' LIMIT 1");
    st.bind(1, kind).bind(2, name);
    return st.step();
}

std::string evalRunName(const std::string& policy, const std::string& dataset) {
    return "eval " + policy + " on " + dataset;
}

void recordMetric(Project& project, int64_t runId, const std::string& name, int64_t step, double value) {
    auto st =
        project.db().prepare("INSERT OR REPLACE INTO metrics(run_id, name, step, value) VALUES(?,?,?,?)");
    st.bind(1, runId).bind(2, name).bind(3, step).bind(4, value).run();
}

} // namespace gpo
