// gpo runs: the project's runs (evaluations, analyses, training) and how each stands now. A run left
// "running" by a process that was killed reads as stopped, and says how to take it up again.
#include "cli_common.h"
#include "store/runs.h"

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
    if (const auto hint = resumeHint(r, project); !hint.empty()) j["resume"] = hint;
    return j;
}

} // namespace

void addRuns(CLI::App& app, Context&, int& rc) {
    struct Args {
        std::string project, kind;
        int64_t metrics = 0;
        bool json = false;
    };
    auto a = std::make_shared<Args>();
    auto* cmd = app.add_subcommand(
        "runs", "List the project's runs and how each stands (a killed run shows as stopped, resumable)");
    cmd->add_option("--project,-p", a->project, "Project file")->required();
    cmd->add_option("--kind", a->kind, "Only runs of this kind: eval, analysis, training");
    cmd->add_option("--metrics", a->metrics,
                    "Print this run's metrics (CSV: name,step,value,wall_time; or JSON)");
    cmd->add_flag("--json", a->json, "Print a JSON result on stdout");
    cmd->callback([a, &rc] {
        rc = runCommand(a->json, [&] {
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
