// gpo bench analyze: the speed of critical-step analysis on planted-error demo trajectories, full scan
// against binary search, and whether the two find the same first error.
#include "cli_common.h"
#include "jobs/analysis_job.h"
#include "jobs/demo_project.h"
#include "stats/agreement.h"
#include "store/agreement_data.h"
#include "util/resource_paths.h"

#include <filesystem>
#include <iostream>
#include <random>

namespace gpo::cli {
namespace {

struct BenchRun {
    jobs::AnalysisResult result;
    std::map<std::string, std::map<int64_t, std::optional<int>>> picks;
    std::map<int64_t, int> planted; ///< trajectory -> planted first error
};

BenchRun benchRun(const Registry& registry, const std::string& projectPath, const std::string& policyDir,
                  const std::string& device, int64_t trajectories, int64_t k, int64_t batch, int64_t group,
                  uint64_t seed, const std::vector<std::string>& selectors,
                  const std::function<bool()>& cancelled) {
    jobs::DemoProjectOptions d;
    d.projectPath = projectPath;
    d.policyDir = policyDir;
    d.trainProblems = 0;
    d.testProblems = trajectories;
    d.evalProblems = 0;
    d.analysisRollouts = 0; // the bench runs its own
    d.device = device;
    const auto demo = jobs::buildDemoProject(registry, d);
    Project project = Project::open(projectPath);
    auto policy = model::Policy::load(policyDir, {device, "auto"});
    const auto prompt = model::PromptFormat::forCheckpoint(policyDir, policy->requireTokenizer());

    TrajectoryFilter planted;
    planted.dataset = "demo-test";
    planted.source = "planted-error";
    AnalysisConfig c = jobs::defaultAnalysisConfig(registry, demo.policy, *policy, prompt, planted);
    c.k = k;
    c.selectors = selectors;
    c.seed = seed;
    c.selectorOptions.seed = seed;
    c.batch = batch;
    c.group = group;
    jobs::AnalysisOptions o;
    o.cancelled = cancelled;
    o.progress = [](const nlohmann::json& e) {
        std::cerr << "gpo bench analyze: " << e["done"] << "/" << e["total"] << "\r";
    };
    BenchRun r;
    r.result = jobs::analyzeInProject(project, registry, *policy, prompt, c, std::nullopt, o);
    std::cerr << "\n";
    r.picks = selectorPicks(project, r.result.runId);
    for (const auto& set : labelSets(project))
        if (set.name == "first_error:demo-test")
            for (const auto& [t, step] : set.labels)
                if (step >= 0) r.planted[t] = step;
    return r;
}

nlohmann::json plantedAgreement(const BenchRun& r) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [selector, picks] : r.picks) {
        const auto a = stats::agreement(picks, r.planted);
        out[selector] = {{"exact", a.exact.value}, {"within_1", a.within1.value}, {"n", a.n}};
    }
    return out;
}

} // namespace

void addBenchAnalyze(CLI::App& bench, Context& ctx, int& rc) {
    struct Args {
        int64_t trajectories = 200, k = 8, batch = AnalysisConfig{}.batch, group = AnalysisConfig{}.group;
        uint64_t seed = 1;
        std::string policy, device = "auto", workdir;
        bool json = false, keep = false;
    };
    auto a = std::make_shared<Args>();
    auto* cmd = bench.add_subcommand(
        "analyze", "Time critical-step analysis of planted-error demo trajectories: a full scan with every "
                   "selector, then binary search alone; compare their first errors and the planted ones");
    cmd->add_option("--trajectories,-n", a->trajectories, "Planted-error demo trajectories")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cmd->add_option("--rollouts,-k", a->k, "Rollouts per prefix (K)")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cmd->add_option("--batch", a->batch, "Rollouts per generation batch")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cmd->add_option("--group", a->group, "Trajectories whose rollouts share batches")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cmd->add_option("--seed", a->seed, "Seed of the rollouts")->capture_default_str();
    cmd->add_option("--policy", a->policy, "Checkpoint folder (default: the installed demo policy)");
    cmd->add_option("--device", a->device, "auto, cpu, cuda or cuda:N")->capture_default_str();
    cmd->add_option("--workdir", a->workdir, "Where to put the two projects (default: a temporary folder)");
    cmd->add_flag("--keep", a->keep, "Keep the projects");
    cmd->add_flag("--json", a->json, "Print the result as JSON (last line)");
    cmd->callback([a, &ctx, &rc] {
        rc = runCommand(a->json, [&] {
            namespace fs = std::filesystem;
            const auto stopRequested = stopOnSignals();
            std::string policyDir = a->policy;
            if (policyDir.empty()) {
                const auto found = findSharedResource("demo-policy");
                if (!found)
                    throw std::runtime_error("the demo policy is not installed beside gpo; pass --policy");
                policyDir = *found;
            }
            std::random_device rd;
            const fs::path dir =
                a->workdir.empty() ? fs::temp_directory_path() / ("gpo-bench-analyze-" + std::to_string(rd()))
                                   : fs::path(a->workdir);
            fs::create_directories(dir);
            for (const char* f : {"full-scan.gpo", "binary-search.gpo"})
                fs::remove(dir / f);
            std::vector<std::string> all;
            for (const auto* s : ctx.registry->selectors())
                all.push_back(s->name());
            const BenchRun full =
                benchRun(*ctx.registry, (dir / "full-scan.gpo").string(), policyDir, a->device,
                         a->trajectories, a->k, a->batch, a->group, a->seed, all, stopRequested);
            const BenchRun binary = benchRun(*ctx.registry, (dir / "binary-search.gpo").string(), policyDir,
                                             a->device, a->trajectories, a->k, a->batch, a->group, a->seed,
                                             {"binary-search"}, stopRequested);
            if (!a->keep && a->workdir.empty()) fs::remove_all(dir);
            if (full.result.cancelled || binary.result.cancelled) throw std::runtime_error("stopped");

            // Trajectory ids are the same in both projects: built the same way from the same seed.
            int64_t same = 0, n = 0;
            const auto& threshold = full.picks.at("threshold");
            for (const auto& [t, pick] : binary.picks.at("binary-search")) {
                const auto it = threshold.find(t);
                if (it == threshold.end()) continue;
                ++n;
                same += it->second == pick;
            }
            const auto& fr = full.result;
            const auto& br = binary.result;
            const double perTrajectory = static_cast<double>(std::max<int64_t>(fr.analysed, 1));
            nlohmann::json j{
                {"ok", true},
                {"policy", policyDir},
                {"trajectories", fr.analysed},
                {"k", a->k},
                {"batch", a->batch},
                {"group", a->group},
                {"full_scan_seconds", fr.seconds},
                {"full_scan_rollouts", fr.rolloutsDrawn},
                {"full_scan_new_tokens", fr.newTokens},
                {"rollouts_per_s", static_cast<double>(fr.rolloutsDrawn) / fr.seconds},
                {"tokens_per_s", static_cast<double>(fr.newTokens) / fr.seconds},
                {"full_scan_rollouts_per_trajectory", static_cast<double>(fr.rolloutsDrawn) / perTrajectory},
                {"binary_search_seconds", br.seconds},
                {"binary_search_rollouts", br.rolloutsDrawn},
                {"binary_search_rollouts_per_trajectory",
                 static_cast<double>(br.rolloutsDrawn) /
                     static_cast<double>(std::max<int64_t>(br.analysed, 1))},
                {"first_error_agreement", n ? static_cast<double>(same) / static_cast<double>(n) : 0.0},
                {"first_error_compared", n},
                {"planted_agreement_full_scan", plantedAgreement(full)},
                {"planted_agreement_binary_search", plantedAgreement(binary)}};
            printResult(a->json, j);
            return 0;
        });
    });
}

} // namespace gpo::cli
