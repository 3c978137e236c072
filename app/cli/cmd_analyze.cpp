// gpo analyze: Monte Carlo values, advantages and critical-step picks for trajectories of a project.
#include "cli_common.h"
#include "jobs/analysis_job.h"
#include "model/checkpoint_fingerprint.h"
#include "policy_args.h"
#include "slurm_args.h"
#include "store/runs.h"
#include "util/child_process.h"
#include "util/text.h"

#include <chrono>
#include <filesystem>
#include <iostream>

namespace gpo::cli {
namespace {

struct AnalysisArgs {
    std::string project, name, runName, promptTemplate, shard, out, selectors;
    FilterArgs filter;
    std::vector<int64_t> ids;
    PolicyArgs policy;
    int64_t k = 4, topK = 0, maxTokens = 0;
    double temperature = 1.0, topP = 1.0, threshold = 0.0;
    uint64_t seed = 0;
    int64_t runId = 0;
    int64_t batch = AnalysisConfig{}.batch, group = AnalysisConfig{}.group;
    bool resume = false, json = false;
    jobs::AnalysisOptions options;
    SlurmArgs slurm;
    int shards = 0;
};

/// "I/N" -> (I, N).
std::pair<int, int> parseShard(const std::string& text) {
    const auto slash = text.find('/');
    try {
        if (slash != std::string::npos) {
            size_t a = 0, b = 0;
            const int i = std::stoi(text.substr(0, slash), &a);
            const int n = std::stoi(text.substr(slash + 1), &b);
            if (a == slash && b == text.size() - slash - 1 && n >= 1 && i >= 0 && i < n) return {i, n};
        }
    } catch (const std::exception&) {
    }
    throw std::invalid_argument("--shard " + text + ": expected I/N with 0 <= I < N (e.g. 0/4)");
}

/// A new run's config: the defaults, with what the command line sets.
AnalysisConfig configFromArgs(const AnalysisArgs& a, const Registry& registry, const PolicyEntry& entry,
                              const model::Policy& policy, const model::PromptFormat& prompt) {
    TrajectoryFilter selection = a.filter.filter();
    selection.ids = a.ids;
    AnalysisConfig c = jobs::defaultAnalysisConfig(registry, entry, policy, prompt, selection);
    c.sampling.temperature = a.temperature;
    c.sampling.topP = a.topP;
    c.sampling.topK = a.topK;
    if (a.maxTokens > 0) c.sampling.maxNewTokens = a.maxTokens;
    c.k = a.k;
    if (!a.selectors.empty()) {
        c.selectors.clear();
        for (const auto& s : text::split(a.selectors, ','))
            c.selectors.push_back(registry.requireSelector(text::trimmed(s)).name());
    }
    c.selectorOptions.threshold = a.threshold;
    c.seed = a.seed;
    c.selectorOptions.seed = a.seed;
    c.batch = a.batch;
    c.group = a.group;
    c.name = a.runName.empty() ? analysisRunName(c) : a.runName;
    return c;
}

/// `gpo analyze --slurm --shards N`: an array job whose task i does shard i/N into its own file beside
/// the project; `gpo merge` folds them in when the job is done.
int submitShards(const AnalysisArgs& a, const std::vector<std::string>& args) {
    namespace fs = std::filesystem;
    if (a.shards < 1) throw std::invalid_argument("--slurm needs --shards N for the analysis");
    if (!a.shard.empty() || !a.out.empty())
        throw std::invalid_argument("--slurm makes the shards: no --shard/--out");
    const std::string project = fs::absolute(a.project).string();
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    const fs::path dir = project + ".runs/shards-" +
                         std::to_string(std::chrono::duration_cast<std::chrono::seconds>(now).count());
    std::vector<std::string> command{util::selfExecutable()};
    for (const auto& arg : SlurmArgs::without(args))
        command.push_back(arg == a.project ? project : arg);
    const std::string n = std::to_string(a.shards);
    command.insert(command.end(), {"--shard", "{task}/" + n, "--out", (dir / "shard-{task}.db").string()});
    jobs::SlurmResources r = a.slurm.resources;
    r.arrayTasks = a.shards;
    if (r.jobName == "gpo") r.jobName = "gpo-analyze";
    const std::string script = jobs::sbatchScript(r, command, (dir / "slurm-%A_%a.out").string());
    const std::string merge = "gpo merge -p " + project + " " + (dir / "shard-*.db").string();
    if (a.slurm.dryRun) {
        if (a.json)
            printJson({{"ok", true}, {"script", script}, {"merge", merge}});
        else
            std::cout << script;
        return 0;
    }
    fs::create_directories(dir);
    writeFile((dir / "slurm.sbatch").string(), [&](std::ostream& out) { out << script; });
    const std::string jobId = jobs::submitSlurmScript((dir / "slurm.sbatch").string());
    const nlohmann::json j{{"ok", true},
                           {"slurm_job", jobId},
                           {"script", (dir / "slurm.sbatch").string()},
                           {"shards", a.shards},
                           {"merge", merge}};
    if (a.json)
        printJson(j);
    else
        std::printf("Slurm array job %s: %d shards into %s; when it is done: %s\n", jobId.c_str(), a.shards,
                    dir.string().c_str(), merge.c_str());
    return 0;
}

} // namespace

void addAnalyze(CLI::App& app, Context& ctx, int& rc) {
    auto a = std::make_shared<AnalysisArgs>();
    auto* cmd = app.add_subcommand(
        "analyze", "Estimate every step prefix's value from K policy rollouts, the steps' advantages and "
                   "each selector's critical step; results go into the project (or a shard file)");
    cmd->add_option("--project,-p", a->project, "Project file")->required()->check(CLI::ExistingFile);
    a->filter.addTo(cmd);
    cmd->add_option("--ids", a->ids, "Only these trajectory ids (comma-separated)")->delimiter(',');
    a->policy.addTo(cmd, false);
    cmd->get_option("--policy")
        ->description("Checkpoint folder or the name of a policy of the project (default: the project's "
                      "default policy)");
    cmd->add_option("--name", a->name, "Name to register a --policy folder under (default: its folder name)");
    cmd->add_option("--rollouts,-k", a->k, "Rollouts per step prefix (K)")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cmd->add_option("--temperature", a->temperature, "Sampling temperature of the rollouts")
        ->capture_default_str();
    cmd->add_option("--top-p", a->topP, "Nucleus sampling mass")->capture_default_str();
    cmd->add_option("--top-k", a->topK, "Keep the k likeliest tokens (0: off)")->capture_default_str();
    cmd->add_option("--max-tokens", a->maxTokens,
                    "New tokens per rollout (default: generation_config.json's, else 512)");
    cmd->add_option(
        "--selectors", a->selectors,
        "Comma-separated selectors (default: all; see gpo formats). Only binary-search: O(K log H) "
        "rollouts per trajectory");
    cmd->add_option("--threshold", a->threshold,
                    "A prefix counts as lost when its value is at or below this (threshold, binary-search)")
        ->capture_default_str();
    cmd->add_option("--seed", a->seed, "Seed of the rollouts and the random selector")->capture_default_str();
    cmd->add_option("--batch", a->batch, "Rollouts per generation batch (a new run's; kept with it)")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cmd->add_option("--group", a->group,
                    "Trajectories whose rollouts share batches (a new run's; kept with it, and shards take "
                    "whole groups)")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cmd->add_option("--prompt-template", a->promptTemplate,
                    "Prompt around the question, with {question} (default: the checkpoint's own)");
    cmd->add_option("--run-name", a->runName, "Name of the run (default: from dataset, policy and K)");
    cmd->add_flag("--resume", a->resume,
                  "Finish the newest unfinished analysis run (or --run ID) with its stored settings");
    cmd->add_option("--run", a->runId, "An existing analysis run: resume it, or refine it with --more");
    cmd->add_option(
           "--more", a->options.more,
           "Refine a run: this many more rollouts at the prefixes of --steps, or where the two leading "
           "steps cannot be told apart")
        ->check(CLI::PositiveNumber);
    cmd->add_option("--steps", a->options.refineSteps, "Prefixes to refine with --more (comma-separated)")
        ->delimiter(',');
    cmd->add_option("--shard", a->shard,
                    "Do slice I of N of the run (I/N), into --out; merge with gpo merge");
    cmd->add_option("--out", a->out, "The shard's result file (with --shard)");
    cmd->add_flag("--json", a->json, "Progress as JSON lines on stdout; the result last");
    a->slurm.addTo(cmd, "the analysis as an array job of --shards shards");
    cmd->add_option("--shards", a->shards, "Slurm: shards of the array job (each task does one)")
        ->check(CLI::PositiveNumber);
    cmd->callback([a, &ctx, &rc] {
        rc = runCommand(a->json, [&] {
            if (a->slurm.wanted()) return submitShards(*a, ctx.args);
            const auto stopRequested = stopOnSignals();
            const Registry& registry = *ctx.registry;
            const bool sharded = !a->shard.empty();
            if (sharded == a->out.empty()) throw std::invalid_argument("--shard and --out go together");
            if (a->options.more > 0 && sharded)
                throw std::invalid_argument("--more works on the project, not a shard");
            Project project = Project::open(a->project, sharded ? OpenMode::ReadOnly : OpenMode::Existing);

            std::optional<int64_t> runId;
            if (a->runId > 0) {
                runId = a->runId;
            } else if (a->options.more > 0) {
                runId = latestAnalysisRun(project);
            } else if (a->resume) {
                runId = unfinishedAnalysisRun(project);
            }
            if ((a->resume || a->options.more > 0) && !runId)
                throw std::invalid_argument("the project has no analysis run to take up");
            if (runId && !sharded)
                if (const auto run = runSummary(project, *runId)) requireNotRunning(*run);
            std::unique_ptr<model::Policy> policy;
            std::optional<model::PromptFormat> prompt;
            AnalysisConfig config;
            if (runId) {
                config = analysisConfig(project, *runId);
                const auto entry = findPolicy(project, config.sampling.policy);
                if (!entry)
                    throw std::invalid_argument("run " + std::to_string(*runId) + " used policy '" +
                                                config.sampling.policy +
                                                "', which the project no longer has");
                if (model::checkpointFingerprint(entry->path) != config.sampling.fingerprint)
                    throw std::invalid_argument("the weights of policy '" + entry->name + "' (" +
                                                entry->path + ") changed since run " +
                                                std::to_string(*runId) + " began; start a new run");
                PolicyArgs from = a->policy;
                from.policy = entry->path;
                policy = from.load();
                prompt = model::PromptFormat::fromJson(config.sampling.prompt, policy->requireTokenizer(),
                                                       "run " + std::to_string(*runId) + " prompt");
            } else {
                if (sharded && !a->policy.policy.empty() && !findPolicy(project, a->policy.policy))
                    throw std::invalid_argument("a shard only reads the project: register the policy first "
                                                "(gpo policy add) and name it with --policy");
                const PolicyEntry entry = projectPolicy(project, a->policy.policy, a->name);
                PolicyArgs from = a->policy;
                from.policy = entry.path;
                policy = from.load();
                prompt = a->promptTemplate.empty()
                             ? model::PromptFormat::forCheckpoint(entry.path, policy->requireTokenizer())
                             : model::PromptFormat::plain(a->promptTemplate);
                config = configFromArgs(*a, registry, entry, *policy, *prompt);
            }
            jobs::AnalysisOptions o = a->options;
            o.cancelled = stopRequested;
            o.progress = [&](const nlohmann::json& e) {
                if (a->json) printJson(e);
                std::cerr << "gpo analyze: " << e["done"] << "/" << e["total"] << " trajectories, "
                          << e["rollouts_drawn"] << " rollouts drawn, eta "
                          << static_cast<int>(e["eta_seconds"].get<double>()) << " s\n";
            };
            std::cerr << "gpo analyze: " << config.name << "\n";
            jobs::AnalysisResult r;
            nlohmann::json j;
            if (sharded) {
                const auto [index, count] = parseShard(a->shard);
                ShardFile shard = ShardFile::openForWriting(a->out, projectId(project), config, index, count);
                ShardSink sink(project, shard);
                r = jobs::analyze(project, registry, *policy, *prompt, config,
                                  analysisSelection(project, config, index, count), sink, o);
                j = r.toJson();
                j["shard"] = a->shard;
                j["out"] = a->out;
            } else {
                r = jobs::analyzeInProject(project, registry, *policy, *prompt, config, runId, o);
                j = r.toJson();
            }
            j["ok"] = !r.cancelled;
            j["name"] = config.name;
            j["config"] = config.toJson();
            printResult(a->json, j);
            return r.cancelled ? 130 : 0;
        });
    });
}

} // namespace gpo::cli
