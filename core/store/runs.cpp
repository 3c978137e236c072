#include "store/runs.h"

#include <cerrno>
#include <csignal>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <sys/types.h>
#include <unistd.h>

namespace gpo {
namespace {
constexpr const char* kNow = "strftime('%Y-%m-%dT%H:%M:%fZ','now')";

/// A process's start time in clock ticks since boot (field 22 of /proc/PID/stat); nullopt if unknown.
std::optional<int64_t> processStart(int64_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string stat;
    if (!in || !std::getline(in, stat)) return std::nullopt;
    // The command name (field 2) is in parentheses and may hold spaces: count fields after the last ')'.
    const auto close = stat.rfind(')');
    if (close == std::string::npos) return std::nullopt;
    std::istringstream rest(stat.substr(close + 1));
    std::string field;
    for (int i = 3; i <= 22 && rest >> field; ++i)
        if (i == 22) return std::stoll(field);
    return std::nullopt;
}

/// Whether process `pid` (started at `start` clock ticks after boot; -1: unknown) is alive here.
bool processAlive(int64_t pid, int64_t start) {
    if (pid <= 0) return false;
    if (::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) return false;
    const auto now = processStart(pid);
    if (start >= 0 && now && *now != start) return false; // the pid was reused by another process
    // A zombie is dead for our purpose: it will never write again.
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string stat;
    if (in && std::getline(in, stat)) {
        const auto close = stat.rfind(')');
        if (close != std::string::npos && close + 2 < stat.size() && stat[close + 2] == 'Z') return false;
    }
    return true;
}

void bindOwner(sql::Statement& st, int first) {
    const int64_t pid = ::getpid();
    st.bind(first, pid).bind(first + 1, hostName()).bind(first + 2, processStart(pid));
}

constexpr const char* kSummaryColumns =
    "SELECT id, kind, name, status, coalesce(started_at, ''), coalesce(finished_at, ''), "
    "coalesce(error, ''), coalesce(host, ''), pid, process_start, "
    "coalesce(json_extract(config, '$.slurm.job_id'), '') FROM runs";

RunSummary summaryFromRow(const sql::Statement& st) {
    RunSummary r;
    r.id = st.columnInt(0);
    r.kind = st.columnText(1);
    r.name = st.columnText(2);
    r.status = st.columnText(3);
    r.startedAt = st.columnText(4);
    r.finishedAt = st.columnText(5);
    r.error = st.columnText(6);
    r.host = st.columnText(7);
    if (!st.columnIsNull(8)) r.pid = st.columnInt(8);
    const int64_t start = st.columnIsNull(9) ? -1 : st.columnInt(9); // -1: not recorded
    r.slurmJob = st.columnText(10);
    r.state = r.status;
    if (r.status == "running") {
        if (!r.pid)
            r.state = "stopped"; // recorded before runs knew their process: nothing can still own it
        else if (!r.host.empty() && r.host != hostName())
            r.state = "running elsewhere";
        else if (!processAlive(*r.pid, start))
            r.state = "stopped";
    }
    return r;
}

} // namespace

bool isProcessAlive(int64_t pid) { return processAlive(pid, -1); }

std::string hostName() {
    char name[256] = {};
    if (::gethostname(name, sizeof name - 1) != 0) return "localhost";
    return name;
}

int64_t beginRun(Project& project, const std::string& kind, const std::string& name,
                 const nlohmann::json& config) {
    auto st = project.db().prepare(
        std::string("INSERT INTO runs(kind, name, config, status, started_at, pid, host, process_start)"
                    " VALUES(?, ?, ?, 'running', ") +
        kNow + ", ?, ?, ?)");
    st.bind(1, kind).bind(2, name).bind(3, config.dump());
    bindOwner(st, 4);
    st.run();
    return project.db().lastInsertId();
}

int64_t queueRun(Project& project, const std::string& kind, const std::string& name,
                 const nlohmann::json& config) {
    auto st = project.db().prepare("INSERT INTO runs(kind, name, config, status) VALUES(?, ?, ?, 'queued')");
    st.bind(1, kind).bind(2, name).bind(3, config.dump()).run();
    return project.db().lastInsertId();
}

void setRunSlurmJob(Project& project, int64_t runId, const std::string& jobId) {
    project.db()
        .prepare(
            "UPDATE runs SET config = json_set(config, '$.slurm', json_object('job_id', ?)) WHERE id = ?")
        .bind(1, jobId)
        .bind(2, runId)
        .run();
}

void resumeRun(Project& project, int64_t runId) {
    auto st = project.db().prepare("UPDATE runs SET status = 'running', error = NULL, finished_at = NULL, "
                                   "pid = ?, host = ?, process_start = ? WHERE id = ?");
    bindOwner(st, 1);
    st.bind(4, runId).run();
}

void finishRun(Project& project, int64_t runId, const std::string& status, const std::string& error) {
    auto st = project.db().prepare(std::string("UPDATE runs SET status = ?, error = ?, finished_at = ") +
                                   kNow + " WHERE id = ?");
    st.bind(1, status);
    if (!error.empty()) st.bind(2, error);
    st.bind(3, runId).run();
}

nlohmann::json runConfig(Project& project, int64_t runId) {
    auto st = project.db().prepare("SELECT config FROM runs WHERE id = ?");
    st.bind(1, runId);
    if (!st.step() || st.columnIsNull(0)) return nullptr;
    return nlohmann::json::parse(st.columnText(0), nullptr, false);
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
    auto st = project.db().prepare("INSERT OR REPLACE INTO metrics(run_id, name, step, value, wall_time)"
                                   " VALUES(?,?,?,?, (julianday('now') - 2440587.5) * 86400.0)");
    st.bind(1, runId).bind(2, name).bind(3, step).bind(4, value).run();
}

std::vector<RunSummary> listRuns(Project& project, const std::string& kind) {
    auto st =
        project.db().prepare(std::string(kSummaryColumns) + " WHERE (?1 = '' OR kind = ?1) ORDER BY id DESC");
    st.bind(1, kind);
    std::vector<RunSummary> out;
    while (st.step())
        out.push_back(summaryFromRow(st));
    return out;
}

std::optional<RunSummary> runSummary(Project& project, int64_t runId) {
    auto st = project.db().prepare(std::string(kSummaryColumns) + " WHERE id = ?");
    st.bind(1, runId);
    if (!st.step()) return std::nullopt;
    return summaryFromRow(st);
}

void requireNotRunning(const RunSummary& run) {
    if (run.state == "running")
        throw std::invalid_argument("run " + std::to_string(run.id) + " is still running (process " +
                                    std::to_string(run.pid.value_or(0)) + "); stop it before resuming it");
    if (run.state == "running elsewhere")
        throw std::invalid_argument("run " + std::to_string(run.id) + " is marked running by process " +
                                    std::to_string(run.pid.value_or(0)) + " on " + run.host +
                                    "; resume it there, or once that process has ended");
}

std::vector<MetricPoint> runMetrics(Project& project, int64_t runId) {
    auto st = project.db().prepare(
        "SELECT name, step, value, wall_time FROM metrics WHERE run_id = ? ORDER BY name, step");
    st.bind(1, runId);
    std::vector<MetricPoint> out;
    while (st.step()) {
        MetricPoint m{st.columnText(0), st.columnInt(1), st.columnDouble(2), std::nullopt};
        if (!st.columnIsNull(3)) m.wallTime = st.columnDouble(3);
        out.push_back(std::move(m));
    }
    return out;
}

} // namespace gpo
