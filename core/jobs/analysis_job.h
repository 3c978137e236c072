#pragma once
// Critical-step analysis (`gpo analyze`): for every trajectory of a run, roll the policy out K times from
// each step prefix the run's selectors want (the prefix forced, the continuation sampled), grade each
// rollout with the problem's verifier, and hand the rollouts to a sink (the project, or a shard file),
// which stores values, advantages and picks once a trajectory is complete.
//
// All prefixes of a trajectory are encoded once as one shared token sequence and forked (model/
// generation.h); a batch mixes the rollouts of every step of a group of trajectories. Rollout seeds depend
// only on (run seed, trajectory, prefix, index), groups are fixed by the run's config, shards take whole
// groups, and a resumed run replays its stored batches, so results do not depend on sharding or resuming.
#include "model/policy.h"
#include "model/prompt_format.h"
#include "store/analysis_sink.h"
#include "store/policies.h"

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

namespace gpo::jobs {

struct AnalysisOptions {
    /// > 0: refine finished trajectories: add this many rollouts to each prefix in `refineSteps`, or, when
    /// that is empty, to the prefixes where the two leading steps cannot be told apart (mc/refinement.h).
    int64_t more = 0;
    std::vector<int> refineSteps;
    std::function<bool()> cancelled;                     ///< checked between batches
    std::function<void(const nlohmann::json&)> progress; ///< one event per trajectory
};

struct AnalysisResult {
    int64_t runId = 0;
    int64_t trajectories = 0; ///< in this run (or shard)
    int64_t analysed = 0;     ///< finished by this call
    int64_t alreadyDone = 0;  ///< finished before (resume)
    int64_t skipped = 0;      ///< no steps or no reference answer
    int64_t rolloutsDrawn = 0;
    int64_t rolloutsReused = 0;
    int64_t newTokens = 0;
    double generationSeconds = 0;
    double seconds = 0;
    bool cancelled = false;
    nlohmann::json toJson() const;
};

/// A new run's settings with the defaults: the policy's name, fingerprint and prompt format, its
/// generation_config.json's max_new_tokens (else 512), temperature 1, the paper's K = 4, every registered
/// selector, threshold 0, seed 0, and a name from the dataset, the policy and K.
AnalysisConfig defaultAnalysisConfig(const Registry& registry, const PolicyEntry& policy,
                                     const model::Policy& loaded, const model::PromptFormat& prompt,
                                     const TrajectoryFilter& selection);

/// Runs (or resumes) `config` over `trajectories`. Throws InputError/StoreError/std::invalid_argument.
AnalysisResult analyze(Project& project, const Registry& registry, model::Policy& policy,
                       const model::PromptFormat& prompt, const AnalysisConfig& config,
                       const std::vector<int64_t>& trajectories, AnalysisSink& sink,
                       const AnalysisOptions& options);

/// A run in the project: started (or taken up again when `runId` is given), analysed over its whole
/// selection, and marked done, cancelled or failed.
AnalysisResult analyzeInProject(Project& project, const Registry& registry, model::Policy& policy,
                                const model::PromptFormat& prompt, const AnalysisConfig& config,
                                std::optional<int64_t> runId, const AnalysisOptions& options);

} // namespace gpo::jobs
