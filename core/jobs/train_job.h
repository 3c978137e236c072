#pragma once
// A training run inside a project (`gpo train`): the config checked, the pairs found (a pair set, a TRL
// JSONL file, or a set built for the run from an analysis), the run recorded with its whole config and
// its process, metrics stored as they are logged (TRL's names, with step and wall time), checkpoints
// beside the project (<project>.runs/run-<id>/), and the final policy registered under its name. A run
// stopped by SIGTERM/Ctrl+C saves a checkpoint and is recorded as cancelled; --resume takes it up.
#include "train/train_loop.h"

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace gpo {
class Project;
class Registry;
} // namespace gpo

namespace gpo::jobs {

struct TrainJobOptions {
    const Registry* registry = nullptr; ///< the verifiers that grade GRPO's completions
    std::optional<int64_t> maxSteps;    ///< overrides the config's max_steps
    bool resume = false;                ///< take up the newest unfinished run with this config's name
    std::string device = "";            ///< overrides the config's device when set
    std::function<bool()> cancelled;
    std::function<void(const nlohmann::json&)> progress; ///< stage and metric events
    /// Data-parallel ranks (null: one process). Rank 0 records the run, its metrics and its policies in
    /// the project; the other ranks read the project only.
    std::shared_ptr<train::ProcessGroup> group;
};

struct TrainJobResult {
    int64_t runId = 0;
    std::string runName, outDir;
    std::string policyName, policyPath; ///< the registered final policy (empty when cancelled)
    std::string bestPolicyName;         ///< the best evaluated checkpoint, registered too (eval runs)
    std::string adapterPath;            ///< a LoRA run's adapter in PEFT's layout (final is it merged)
    std::string pairSet;
    train::TrainResult train;
    nlohmann::json toJson() const;
};

TrainJobResult runTrainJob(Project& project, const train::TrainConfig& config,
                           const TrainJobOptions& options);

/// Checks a config against the project without running or recording anything (`gpo train --check`, the
/// studio's launch dialog): the checks a run passes before it starts, and the pairs or prompts it would
/// train on. Returns {"ok", "run_name", "policy", "pairs" | "dataset", "examples", …}; throws what the run
/// would throw.
nlohmann::json checkTrainJob(Project& project, const train::TrainConfig& config,
                             const TrainJobOptions& options);

/// The name a run without "run_name" gets: algorithm and data, e.g. "dpo-gpo" or "gpo-grpo-demo-train".
std::string defaultRunName(const train::TrainConfig& config);

/// Where a run keeps its checkpoints: <project>.runs/run-<id>.
std::string runFolder(const std::string& projectPath, int64_t runId);

} // namespace gpo::jobs
