#pragma once
// What the Runs tab lists of each run: its stored summary and, from its config and metrics, the
// algorithm, policy, device, progress (step of total, and the time left at the rate so far) and its
// best evaluation.
#include "store/runs.h"

#include <optional>
#include <string>
#include <vector>

namespace gpo {

struct RunOverview {
    RunSummary run;
    std::string algorithm; ///< training: dpo, grpo, … ("gpo-" before it when GPO); else the run's kind
    std::string policy;    ///< the policy it starts from (training, eval, analysis)
    std::string device;    ///< where it runs (the resolved device once it started, else the config's)
    std::string data;      ///< the pair set or dataset it trains on or evaluates
    int64_t step = 0;      ///< the newest step with a metric
    std::optional<int64_t> totalSteps;
    std::optional<double> etaSeconds;   ///< time left at the rate so far (running runs only)
    std::optional<double> bestPassAt1;  ///< training: the best eval/pass@1; eval: its pass@1
    std::optional<int64_t> bestStep;    ///< the step of the best eval/pass@1
    std::optional<double> lastWallTime; ///< when it last recorded a metric (seconds since 1970)
    /// What a training run does before its first step ("loading the policy", "scoring the reference")
    /// with its progress when it has one; "training" once it trains.
    std::string stage;
    std::optional<int64_t> stageDone, stageTotal;
    /// The step of a training run's last checkpoint (where a resume starts), when it has one.
    std::optional<int64_t> checkpointStep;
    /// "scoring the reference 24/72" while a running run has logged no step; empty otherwise.
    std::string preparing() const;
};

/// The project's runs with their progress, newest first; `kind` empty for all.
std::vector<RunOverview> listRunOverviews(Project& project, const std::string& kind = {});
std::optional<RunOverview> runOverview(Project& project, int64_t runId);

/// Stores a value into the run's config at `path` (a JSON path such as "$.resolved.device").
void setRunConfigValue(Project& project, int64_t runId, const std::string& path,
                       const std::string& jsonValue);

/// The global step of the run's last checkpoint (<run folder>/checkpoint/trainer_state.json), where a
/// resume starts; none without a readable one.
std::optional<int64_t> checkpointStepOf(const std::string& projectPath, int64_t runId);

/// Where a run keeps its files (checkpoints, samples): <project>.runs/run-<id>.
std::string runFolderOf(const std::string& projectPath, int64_t runId);

} // namespace gpo
