// gpo bench study: a user study at scale in a real project file — 10,000 trajectories x 5 annotators with
// an analysis run's picks and values — timed as the studio uses it: the full agreement report (with
// bootstrap intervals), an annotator's queue, showing one trajectory with its annotation and analysis,
// and committing one answer.
#include "cli_common.h"
#include "data/demo_task.h"
#include "store/agreement_report.h"
#include "store/analysis.h"
#include "store/annotations.h"
#include "store/importer.h"
#include "store/studies.h"

#include <chrono>
#include <filesystem>
#include <random>
#include <unistd.h>

namespace gpo::cli {
namespace {

using Clock = std::chrono::steady_clock;
double secondsSince(Clock::time_point t) {
    return std::chrono::duration<double>(Clock::now() - t).count();
}

/// An analysis run with two selectors' picks and a value curve per trajectory that drops at the planted
/// error (or nowhere), written directly: the bench times reading, not Monte Carlo rollouts.
void writeSyntheticAnalysis(Project& project, const std::vector<int64_t>& ids, std::mt19937_64& rng) {
    auto& db = project.db();
    sql::Transaction tx(db);
    db.exec("INSERT INTO runs(kind, name, status) VALUES('analysis', 'bench-study', 'done')");
    const int64_t run = db.lastInsertId();
    auto info = db.prepare("SELECT n_steps, coalesce(first_error, -1) FROM trajectories WHERE id = ?");
    auto estimate = db.prepare("INSERT INTO mc_estimates VALUES(?, ?, ?, 8, ?, ?, 0, 1, ?)");
    auto pick = db.prepare("INSERT INTO critical_picks VALUES(?, ?, ?, ?)");
    for (int64_t id : ids) {
        info.reset();
        info.bind(1, id);
        if (!info.step()) continue;
        const int steps = static_cast<int>(info.columnInt(0)), error = static_cast<int>(info.columnInt(1));
        for (int h = 0; h <= steps; ++h) {
            const double value = (error >= 0 && h > error) ? 0.1 : 0.9;
            const double next = (error >= 0 && h + 1 > error) ? 0.1 : 0.9;
            estimate.reset();
            estimate.bind(1, run).bind(2, id).bind(3, h).bind(4, value * 8).bind(5, value);
            if (h < steps)
                estimate.bind(6, next - value);
            else
                estimate.bindNull(6);
            estimate.run();
        }
        const std::pair<const char*, std::optional<int>> picks[] = {
            {"abs-advantage", error >= 0 ? std::optional<int>(error) : std::nullopt},
            {"random", static_cast<int>(rng() % static_cast<uint64_t>(steps))}};
        for (const auto& [selector, step] : picks) {
            pick.reset();
            pick.bind(1, run).bind(2, id).bind(3, selector).bind(4, step).run();
        }
    }
    tx.commit();
}

} // namespace

void addBenchStudy(CLI::App& bench, Context& ctx, int& rc) {
    struct Args {
        int64_t trajectories = 10000, annotators = 5;
        stats::BootstrapOptions resampling;
        std::string workdir;
        bool json = false;
    };
    auto a = std::make_shared<Args>();
    auto* cmd =
        bench.add_subcommand("study", "Time a user study at scale in a project: the agreement report, "
                                      "an annotator's queue, showing and answering one trajectory");
    cmd->add_option("--trajectories", a->trajectories, "Trajectories in the study (an even number)")
        ->check(CLI::Range(int64_t(2), int64_t(1000000)))
        ->capture_default_str();
    cmd->add_option("--annotators", a->annotators, "Annotators, each answering every trajectory")
        ->check(CLI::Range(int64_t(2), int64_t(100)))
        ->capture_default_str();
    cmd->add_option("--bootstrap", a->resampling.bootstrap, "Resamples for the intervals")
        ->capture_default_str();
    cmd->add_option("--workdir", a->workdir, "Where to build the project (default: a temporary folder)");
    cmd->add_flag("--json", a->json, "Print a JSON result on stdout");
    cmd->callback([a, &ctx, &rc] {
        rc = runCommand(a->json, [&] {
            namespace fs = std::filesystem;
            const fs::path dir = a->workdir.empty() ? fs::temp_directory_path() /
                                                          ("gpo-bench-study-" + std::to_string(::getpid()))
                                                    : fs::path(a->workdir);
            fs::create_directories(dir);
            const std::string path = (dir / "bench-study.gpo").string();
            fs::remove(path);
            auto setupStart = Clock::now();
            std::mt19937_64 rng(1);
            std::vector<int64_t> ids;
            {
                Project project = Project::open(path, OpenMode::Create);
                const std::string jsonl = (dir / "study.jsonl").string();
                writeDemoJsonl(jsonl, "test", a->trajectories / 2, 1, true);
                ImportOptions io;
                io.format = "jsonl";
                io.dataset = "demo-test";
                Importer(project, *ctx.registry).importPath(jsonl, io);
                ids = trajectoryIds(project, {});
                StudyConfig config = studyTemplate("paper");
                for (int64_t r = 0; r < a->annotators; ++r)
                    config.annotators.push_back("rater" + std::to_string(r + 1));
                const int64_t study = createStudy(project, "bench", config, ids);
                writeSyntheticAnalysis(project, ids, rng);
                // Each person finds the planted error 60% of the time, else a step near it or anywhere.
                auto steps = project.db().prepare(
                    "SELECT n_steps, coalesce(first_error, -1) FROM trajectories WHERE id = ?");
                std::vector<Annotation> answers;
                for (const auto& name : config.annotators) {
                    const int64_t annotator = ensureAnnotator(project, name);
                    for (int64_t id : ids) {
                        steps.reset();
                        steps.bind(1, id);
                        steps.step();
                        const int n = static_cast<int>(steps.columnInt(0)),
                                  error = static_cast<int>(steps.columnInt(1));
                        Annotation x;
                        x.annotatorId = annotator;
                        x.trajectoryId = id;
                        x.studyId = study;
                        const auto roll = rng() % 10;
                        if (error >= 0 && roll < 6)
                            x.criticalStep = error;
                        else if (error < 0 && roll < 3)
                            x.noSingleStep = true;
                        else
                            x.criticalStep = static_cast<int>(rng() % static_cast<uint64_t>(n));
                        x.seconds = 5 + static_cast<double>(rng() % 40);
                        answers.push_back(std::move(x));
                    }
                }
                saveAnnotations(project, answers);
            }
            const double setupSeconds = secondsSince(setupStart);

            Project project = Project::open(path, OpenMode::Existing);
            const Study study = requireStudy(project, "bench");
            ReportOptions options;
            options.filter.studyId = study.id;
            options.resampling = a->resampling;
            auto t = Clock::now();
            const nlohmann::json report = agreementReport(project, options);
            const double reportSeconds = secondsSince(t);

            t = Clock::now();
            const auto queue = annotatorQueue(study, studyItems(project, study.id), "rater1");
            const StudyProgress progress = studyProgress(project, study, "rater1");
            const double queueSeconds = secondsSince(t);

            // Showing a trajectory as the Annotate tab does, then committing an answer, 200 times.
            const int64_t rater = findAnnotator(project, "rater1")->id;
            const int rounds = static_cast<int>(std::min<size_t>(200, queue.size()));
            t = Clock::now();
            for (int i = 0; i < rounds; ++i) {
                const int64_t id = queue[static_cast<size_t>(i)];
                const auto detail = loadTrajectory(project, id);
                const auto run = latestAnalysisRunFor(project, id);
                const auto analysis = loadAnalysis(project, *run, id);
                const auto stored = loadAnnotation(project, rater, id, study.id);
                if (!detail || !analysis || !stored)
                    throw std::runtime_error("bench study: a trajectory is missing");
            }
            const double showMs = secondsSince(t) * 1000.0 / rounds;
            t = Clock::now();
            for (int i = 0; i < rounds; ++i) {
                Annotation x = *loadAnnotation(project, rater, queue[static_cast<size_t>(i)], study.id);
                x.seconds += 1;
                saveAnnotation(project, x);
            }
            const double saveMs = secondsSince(t) * 1000.0 / rounds;
            if (a->workdir.empty()) fs::remove_all(dir);
            nlohmann::json j = {{"ok", true},
                                {"trajectories", static_cast<int64_t>(ids.size())},
                                {"annotators", a->annotators},
                                {"annotations", static_cast<int64_t>(ids.size()) * a->annotators},
                                {"bootstrap", a->resampling.bootstrap},
                                {"setup_seconds", setupSeconds},
                                {"report_seconds", reportSeconds},
                                {"queue_seconds", queueSeconds},
                                {"show_trajectory_ms", showMs},
                                {"commit_answer_ms", saveMs},
                                {"assigned", progress.assigned},
                                {"people_vs_model", report["people_vs_model"]},
                                {"between_annotators", report["between_annotators"]}};
            printResult(a->json, j);
            return 0;
        });
    });
}

} // namespace gpo::cli
