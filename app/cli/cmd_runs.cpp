// gpo runs: the project's runs (evaluations, analyses, training) and how each stands now. A run left
// "running" by a process that was killed reads as stopped, and says how to take it up again.
#include "cli_common.h"
#include "jobs/slurm.h"
#include "store/runs.h"

#include <csignal>
#include <cstdio>

namespace gpo::cli {
namespace {

/// The command that takes a stopped run of this kind up again, if there is one.
std::string resumeHint(const RunSummary& r, const std::string& project) {
    if (!r.resumable()) return {};
    if (r.kind == "analysis") return "gpo analyze -p " + project + " --run " + std::to_string(r.id);
    if (r.kind == "eval") return "rerun the same gpo eval (it adds only what is missing)";
    return {};
}

nlohmann::json runJson(const RunSummary& r, const std::string& project) {
    nlohmann::json j{{"id", r.id},
                     {"kind", r.kind},
                     {"name", r.name},
                     {"status", r.status},
                     {"state", r.state},
                     {"resumable", r.resumable()},
                     {"started_at", r.startedAt},
                     {"finished_at", r.finishedAt},
                     {"host", r.host},
                     {"pid", r.pid ? nlohmann::json(*r.pid) : nlohmann::json()}};
    if (!r.error.empty()) j["error"] = r.error;
    if (!r.slurmJob.empty()) j["slurm_job"] = r.slurmJob;
    if (const auto hint = resumeHint(r, project); !hint.empty()) j["resume"] = hint;
    return j;
}

} // namespace

void addRuns(CLI::App& app, Context&, int& rc) {
    struct Args {
        std::string project, kind;
        int64_t metrics = 0, slurm = 0, cancel = 0;
        bool json = false;
    };
    auto a = std::make_shared<Args>();
    auto* cmd = app.add_subcommand(
        "runs", "List the project's runs and how each stands (a killed run shows as stopped, resumable)");
    cmd->add_option("--project,-p", a->project, "Project file")->required();
    cmd->add_option("--kind", a->kind, "Only runs of this kind: eval, analysis, training");
    cmd->add_option("--metrics", a->metrics,
                    "Print this run's metrics (CSV: name,step,value,wall_time; or JSON)");
    cmd->add_option("--slurm", a->slurm, "How this run's Slurm job stands now (squeue, else sacct)");
    cmd->add_option("--cancel", a->cancel,
                    "Stop this run: scancel its Slurm job, or ask its process here to stop (it saves a "
                    "checkpoint first)");
    cmd->add_flag("--json", a->json, "Print a JSON result on stdout");
    cmd->callback([a, &rc] {
        rc = runCommand(a->json, [&] {
            if (a->slurm > 0 || a->cancel > 0) {
                auto project = Project::open(a->project, OpenMode::Existing);
                const int64_t id = a->slurm > 0 ? a->slurm : a->cancel;
                const auto run = runSummary(project, id);
                if (!run) throw std::invalid_argument("the project has no run " + std::to_string(id));
                nlohmann::json j{{"ok", true}, {"run", runJson(*run, a->project)}};
                if (a->cancel > 0 && run->slurmJob.empty()) {
                    if (run->state != "running" || !run->pid)
                        throw std::invalid_argument("run " + std::to_string(id) + " is " + run->state +
                                                    ", not running on this machine");
                    ::kill(static_cast<pid_t>(*run->pid), SIGTERM);
                    j["signalled"] = *run->pid;
                } else if (run->slurmJob.empty()) {
                    throw std::invalid_argument("run " + std::to_string(id) + " was not submitted to Slurm");
                } else {
                    if (a->cancel > 0) {
                        jobs::cancelSlurmJob(run->slurmJob);
                        if (run->status == "queued")
                            finishRun(project, id, "cancelled", "cancelled before it started");
                    }
                    const jobs::SlurmJobState s = jobs::slurmJobState(run->slurmJob);
                    j["slurm"] = {{"job_id", s.jobId},
                                  {"state", s.state},
                                  {"elapsed", s.elapsed},
                                  {"detail", s.detail},
                                  {"finished", s.finished}};
                    // A job that ended before its rank 0 took the run up leaves it queued: say so.
                    if (s.finished && run->status == "queued")
                        finishRun(project, id, "failed",
                                  "Slurm job " + s.jobId + " ended " + s.state + " before the run started");
                }
                if (a->json)
                    printJson(j);
                else if (j.contains("slurm"))
                    std::printf("run %lld: Slurm job %s %s (%s, %s)\n", static_cast<long long>(id),
                                run->slurmJob.c_str(), j["slurm"]["state"].get<std::string>().c_str(),
                                j["slurm"]["elapsed"].get<std::string>().c_str(),
                                j["slurm"]["detail"].get<std::string>().c_str());
                else
                    std::printf("run %lld: asked process %lld to stop\n", static_cast<long long>(id),
                                static_cast<long long>(*run->pid));
                return 0;
            }
            auto project = Project::open(a->project, OpenMode::ReadOnly);
            if (a->metrics > 0) {
                const auto run = runSummary(project, a->metrics);
                if (!run) throw std::invalid_argument("the project has no run " + std::to_string(a->metrics));
                const auto points = runMetrics(project, a->metrics);
                if (a->json) {
                    nlohmann::json list = nlohmann::json::array();
                    for (const auto& m : points)
                        list.push_back(
                            {{"name", m.name},
                             {"step", m.step},
                             {"value", m.value},
                             {"wall_time", m.wallTime ? nlohmann::json(*m.wallTime) : nlohmann::json()}});
                    printJson({{"ok", true}, {"run", runJson(*run, a->project)}, {"metrics", list}});
                    return 0;
                }
                std::printf("name,step,value,wall_time\n");
                for (const auto& m : points)
                    std::printf("%s,%lld,%.9g,%s\n", m.name.c_str(), static_cast<long long>(m.step), m.value,
                                m.wallTime ? std::to_string(*m.wallTime).c_str() : "");
                return 0;
            }
            const auto runs = listRuns(project, a->kind);
            if (a->json) {
                nlohmann::json list = nlohmann::json::array();
                for (const auto& r : runs)
                    list.push_back(runJson(r, a->project));
                printJson({{"ok", true}, {"runs", list}});
                return 0;
            }
            if (runs.empty()) std::printf("No runs yet.\n");
            for (const auto& r : runs) {
                std::printf("%5lld  %-9s %-18s %s\n", static_cast<long long>(r.id), r.kind.c_str(),
                            r.state.c_str(), r.name.c_str());
                if (r.state == "stopped" && r.status == "running")
                    std::printf("       its process (%lld on %s) ended without finishing the run\n",
                                static_cast<long long>(r.pid.value_or(0)),
                                r.host.empty() ? "an unknown host" : r.host.c_str());
                if (!r.error.empty()) std::printf("       %s\n", r.error.c_str());
                if (const auto hint = resumeHint(r, a->project); !hint.empty())
                    std::printf("       resume: %s\n", hint.c_str());
            }
            return 0;
        });
    });
}

} // namespace gpo::cli
