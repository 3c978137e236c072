#pragma once
// Runs (evaluations, analyses, training) as the project records them: what ran, how it ended, and its
// metrics. A run is marked running when it starts, with the process that runs it (pid, host, process
// start time), and done/failed/cancelled when it ends. A run still marked running whose process is gone
// was killed: it reads as stopped, and can be resumed.
#include "store/project.h"

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace gpo {

/// Records a new run (status "running", owned by this process) and returns its id.
int64_t beginRun(Project& project, const std::string& kind, const std::string& name,
                 const nlohmann::json& config);
/// Records a run submitted to a scheduler and not started yet (status "queued", no process): the job's
/// rank 0 takes it up with `--resume` when it starts.
int64_t queueRun(Project& project, const std::string& kind, const std::string& name,
                 const nlohmann::json& config);
/// Records the Slurm job that runs it (config.slurm.job_id).
void setRunSlurmJob(Project& project, int64_t runId, const std::string& jobId);
/// Marks an existing run running again, owned by this process (a resumed run).
void resumeRun(Project& project, int64_t runId);
/// status: "done", "failed" or "cancelled"; `error` says why for the last two.
void finishRun(Project& project, int64_t runId, const std::string& status, const std::string& error = {});
/// The config a run was started with (null when the project has no such run).
nlohmann::json runConfig(Project& project, int64_t runId);
/// Whether a run of this kind and name has finished (status "done").
bool hasFinishedRun(Project& project, const std::string& kind, const std::string& name);
/// The name an evaluation of `policy` on `dataset` is recorded under.
std::string evalRunName(const std::string& policy, const std::string& dataset);
/// Stores (or replaces) one metric value of a run at a step, with the wall time now.
void recordMetric(Project& project, int64_t runId, const std::string& name, int64_t step, double value);

/// A run as listed to people: its stored status and what it means now.
struct RunSummary {
    int64_t id = 0;
    std::string kind, name;
    std::string status; ///< as stored: running, done, failed, cancelled
    /// What it is now: the stored status, except "stopped" for a run marked running whose process has
    /// ended (killed), and "running elsewhere" for one owned by a process on another host.
    std::string state;
    std::string startedAt, finishedAt, error, host;
    std::optional<int64_t> pid;
    std::string slurmJob; ///< the Slurm job that runs it, when one was submitted
    /// A run that did not finish and has no live process: `--resume` may take it.
    bool resumable() const { return state == "stopped" || state == "cancelled" || state == "failed"; }
};

/// The project's runs, newest first; `kind` empty for all.
std::vector<RunSummary> listRuns(Project& project, const std::string& kind = {});
/// One run, if the project has it.
std::optional<RunSummary> runSummary(Project& project, int64_t runId);
/// Throws when the run's process is still alive (on this host, or maybe on another): two processes
/// must never write one run.
void requireNotRunning(const RunSummary& run);

struct MetricPoint {
    std::string name;
    int64_t step = 0;
    double value = 0;
    std::optional<double> wallTime; ///< seconds since 1970 (none for values recorded before schema 5)
};
/// A run's metrics by name and step.
std::vector<MetricPoint> runMetrics(Project& project, int64_t runId);

/// Whether process `pid` is alive on this machine (a zombie is not: it will never write again).
bool isProcessAlive(int64_t pid);

/// This machine's host name (as runs record it).
std::string hostName();

} // namespace gpo
