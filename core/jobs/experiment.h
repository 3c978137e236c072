#pragma once
// The experiment (`gpo experiment`): does learning from critical steps help, at the same sampling budget?
// On a project with the demo task and a policy, for each seed:
//   offline  the policy's own answers to `trainProblems` training problems, graded; an MC analysis of the
//            failed ones (K rollouts a prefix); pairs reset at the selector's critical step (gpo-dpo) and
//            at a random step of the same analysis (random-dpo, the Satori-style ablation); the baseline
//            (dpo) gets answers to more problems, until its sampled tokens match gpo-dpo's, and pairs a
//            right and a wrong answer per problem. Each trains DPO with the same settings.
//   online   gpo-grpo (failed samples reset at their binary-search critical step) for `grpoSteps` steps;
//            grpo and random-grpo (resets at a random step) then sample until they have spent the same
//            tokens.
// Every trained policy, and the starting one, answers `heldout` fresh test-stream problems greedily; no
// training data came from that stream. pass@1 is reported per method with a 95% interval over problems
// and seeds, and each method's difference to its baseline (paired: same problems, same seeds).
// Everything is an ordinary run of the project (eval, analysis, training); a rerun reuses finished
// runs and takes up unfinished ones, so a killed experiment resumes.
#include "plugin/registry.h"

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace gpo::jobs {

struct ExperimentOptions {
    std::string projectPath;
    /// Names the experiment's runs, pair sets and answers (<name>-gpo-dpo-s1, …). The experiment is a run
    /// of kind "experiment" with its settings: a rerun with the same name and settings goes on where it
    /// stopped; other settings under the same name are refused.
    std::string name = "exp";
    std::string policy; ///< a project policy; empty: the project's default
    std::vector<uint64_t> seeds = {1, 2, 3};
    std::vector<std::string> methods = {"dpo", "gpo-dpo", "random-dpo", "grpo", "gpo-grpo", "random-grpo"};
    uint64_t taskSeed = 1;       ///< the demo task's seed (the demo policy learnt seed 1's train split)
    int64_t trainPool = 3000;    ///< training problems imported (exp-train): fresh train-stream problems
    int64_t trainProblems = 200; ///< the offline GPO selection: answered, analysed, reset
    int64_t samples = 4;         ///< answers per problem (temperature 1)
    int64_t rollouts = 4;        ///< K of the analysis
    std::string selector = "abs-advantage"; ///< offline GPO's critical step
    int64_t heldout = 1000;                 ///< held-out test-stream problems (exp-heldout)
    int64_t maxNewTokens = 0;               ///< 0: the policy's generation_config.json
    // DPO (all three offline methods)
    int64_t dpoSteps = 50, dpoBatch = 8;
    double dpoLearningRate = 5e-5, dpoBeta = 0.1; ///< 5e-5: the rate that moves the demo policy (README)
    double dpoRpoAlpha = 0.0;                     ///< > 0: RPO (DPO + α · the chosen NLL) for all three
    // GRPO (all three online methods)
    int64_t grpoSteps = 20, grpoGenerations = 8, grpoBatch = 32, grpoCompletion = 128;
    double grpoLearningRate = 5e-5;
    std::string outDir; ///< CSV, JSON and Markdown (default: <project>.experiment)
    int bootstrap = 2000;
    std::string device = "auto";
    std::function<bool()> cancelled;
    std::function<void(const nlohmann::json&)> progress;
    /// The settings that decide its results (seeds and methods left out: more of them extend a run).
    nlohmann::json settings() const;
};

struct ExperimentResult {
    int64_t runId = 0;
    nlohmann::json rows;    ///< one per method and seed
    nlohmann::json summary; ///< one per method: pass@1 with its interval, the difference to the baseline
    std::string markdown;   ///< the summary table
    std::string outDir;
    bool cancelled = false;
    double seconds = 0;
    nlohmann::json toJson() const;
};

ExperimentResult runExperiment(const Registry& registry, const ExperimentOptions& options);

/// The method a method is compared with: dpo for the offline ones, grpo for the online ones.
std::string baselineOf(const std::string& method);

/// The datasets the experiment imports: fresh slices of the demo task's train and test streams.
inline constexpr const char* kExperimentTrain = "exp-train";
inline constexpr const char* kExperimentHeldout = "exp-heldout";

} // namespace gpo::jobs
