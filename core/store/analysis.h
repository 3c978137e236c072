#pragma once
// Critical-step analyses as the project stores them: the run's configuration, the rollouts (reusable
// across runs with the same sampling), the MC estimates and advantages, and every selector's pick.
#include "mc/selector.h"
#include "mc/trajectory_values.h"
#include "plugin/registry.h"
#include "store/project.h"
#include "store/queries.h"

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace gpo {

/// How rollouts are drawn. Rollouts with the same key are interchangeable, whichever run drew them.
struct RolloutSampling {
    std::string policy;      ///< the policy's name in the project
    std::string fingerprint; ///< of its weights (model/checkpoint_fingerprint.h)
    double temperature = 1.0;
    double topP = 1.0;
    int64_t topK = 0;
    int64_t maxNewTokens = 512;
    nlohmann::json prompt; ///< the prompt format (model::PromptFormat::toJson)
    nlohmann::json toJson() const;
    static RolloutSampling fromJson(const nlohmann::json& j);
    std::string key() const; ///< hex digest of toJson()
};

/// What an analysis run does; stored as the run's config, and all a shard or a resume needs.
struct AnalysisConfig {
    std::string name;
    TrajectoryFilter selection;
    RolloutSampling sampling;
    int64_t k = 4;                      ///< rollouts per prefix
    std::vector<std::string> selectors; ///< in the order picks are reported
    mc::SelectorOptions selectorOptions;
    uint64_t seed = 0; ///< rollout seeds derive from it, the trajectory, the prefix and the index
    /// How the work is batched. Part of the run because a row's logits depend (in the last bits) on the
    /// rows beside it: fixed groups of `group` trajectories, their rollouts drawn `batch` rows at a time,
    /// make a shard or a resumed run draw exactly the batches one uninterrupted process draws.
    int64_t batch = 64;
    int64_t group = 4;
    nlohmann::json toJson() const;
    /// Throws std::invalid_argument naming the field at fault.
    static AnalysisConfig fromJson(const nlohmann::json& j);
};

struct StoredRollout {
    int64_t trajectoryId = 0;
    int stepIdx = 0;       ///< continues prefix p_stepIdx
    int64_t sampleIdx = 0; ///< its index among that prefix's rollouts of this sampling
    uint64_t seed = 0;
    std::string text; ///< the continuation only
    std::optional<std::string> answer;
    double reward = 0;
    int64_t tokens = 0;
    std::string finish;
};

/// The seed of rollout `sampleIdx` of prefix `stepIdx` of a trajectory: independent of batching, shards
/// and resumes, and of the row ids a project gave the trajectory (its problem and text decide), so the
/// same trajectory gets the same rollouts in every project (the studio's demo project and `gpo demo`).
uint64_t rolloutSeed(uint64_t seed, const TrajectoryDetail& trajectory, int stepIdx, int64_t sampleIdx);

/// The trajectories a run analyses (those with steps and a reference answer), in id order; with
/// count > 1, the slice of shard `index`: every count-th group of `config.group` trajectories.
std::vector<int64_t> analysisSelection(Project& project, const AnalysisConfig& config, int shardIndex = 0,
                                       int shardCount = 1);

/// The selector objects a config names; throws std::invalid_argument for an unknown name.
std::vector<const mc::Selector*> selectorsOf(const Registry& registry, const AnalysisConfig& config);

/// The name a run gets from its selection, policy and K.
std::string analysisRunName(const AnalysisConfig& config);

int64_t beginAnalysisRun(Project& project, const AnalysisConfig& config);
/// The analysis run with exactly this config, if any (the newest).
std::optional<int64_t> findAnalysisRun(Project& project, const AnalysisConfig& config);
/// Throws std::invalid_argument when `runId` is not an analysis run.
AnalysisConfig analysisConfig(Project& project, int64_t runId);
/// The newest analysis run that has not finished (running, cancelled or failed), if any.
std::optional<int64_t> unfinishedAnalysisRun(Project& project);
/// The newest analysis run, if any.
std::optional<int64_t> latestAnalysisRun(Project& project);
/// The project's id (shard files carry it, so a shard merges only into its own project).
std::string projectId(Project& project);

/// The rollout columns rollout queries select, in this order, and the reader of such a row: shared by the
/// project and shard files, whose rollouts tables have the same columns.
inline constexpr const char* kRolloutColumns =
    "trajectory_id, step_idx, sample_idx, seed, text, answer, reward, tokens, finish";
StoredRollout rolloutFromRow(const sql::Statement& row);

/// Rollouts of one trajectory drawn with `samplingKey`, by prefix and index.
std::vector<StoredRollout> loadRollouts(sql::Database& db, int64_t trajectoryId,
                                        const std::string& samplingKey);
/// Those rollouts by who drew them: run `runId` itself, or anyone before it (other runs, shards merged).
struct RolloutsByRun {
    std::vector<StoredRollout> earlier, ofRun;
};
RolloutsByRun loadRolloutsByRun(sql::Database& db, int64_t trajectoryId, const std::string& samplingKey,
                                int64_t runId);
/// Inserts rollouts (an existing (prefix, sampling, index) is kept); runId may be 0 for none.
void insertRollouts(sql::Database& db, int64_t runId, const std::string& samplingKey,
                    const std::vector<StoredRollout>& rollouts);

/// The trajectory facts an analysis needs: its steps and its reward, graded now when never verified.
struct AnalysisTarget {
    TrajectoryDetail detail;
    bool correct = false;
};
/// Nothing when the trajectory is missing, has no steps, or its problem has no reference answer.
std::optional<AnalysisTarget> analysisTarget(Project& project, const Registry& registry,
                                             int64_t trajectoryId);

/// Values from rollouts: prefix h counts once it has `target(h)` rollouts (the first ones by index).
mc::TrajectoryValues valuesFromRollouts(int64_t trajectoryId, int steps, bool correct,
                                        const std::vector<StoredRollout>& rollouts,
                                        const std::map<int, int64_t>& targets, int64_t k);

/// Rollouts per prefix a run asks for where that is not simply its K (`k`): more, where rollouts were
/// added to a prefix later. Never less than `k`.
std::map<int, int64_t> rolloutTargets(Project& project, int64_t runId, int64_t trajectoryId, int64_t k);

/// Computes a trajectory's values from the project's rollouts and stores its estimates and every
/// selector's pick for the run, replacing earlier ones (one transaction). `raise` lifts prefixes' targets.
mc::TrajectoryValues finalizeTrajectory(Project& project, const Registry& registry, int64_t runId,
                                        const AnalysisConfig& config, const AnalysisTarget& target,
                                        const std::map<int, int64_t>& raise = {});

/// Trajectories of a run with stored picks.
std::set<int64_t> finishedTrajectories(Project& project, int64_t runId);

/// One trajectory's stored analysis, as views and reports read it.
struct StepEstimate {
    int step = 0;
    int64_t k = 0;
    double successes = 0, value = 0, ciLow = 0, ciHigh = 0;
    std::optional<double> advantage;
};
struct TrajectoryAnalysis {
    int64_t runId = 0;
    int64_t trajectoryId = 0;
    std::vector<StepEstimate> estimates;             ///< by prefix; p_H last
    std::map<std::string, std::optional<int>> picks; ///< selector -> step (nothing: no pick)
    /// The estimate of prefix p_prefix, if stored.
    const StepEstimate* estimate(int prefix) const;
    /// The selectors that picked `step`, in name order.
    std::vector<std::string> pickedBy(int step) const;
};
std::optional<TrajectoryAnalysis> loadAnalysis(Project& project, int64_t runId, int64_t trajectoryId);
/// The newest run with results for this trajectory.
std::optional<int64_t> latestAnalysisRunFor(Project& project, int64_t trajectoryId);
/// Every run with results for this trajectory, newest first.
std::vector<int64_t> analysisRunsFor(Project& project, int64_t trajectoryId);
/// The rollouts behind prefix `step` of a trajectory in a run (as many as its estimate counts).
std::vector<StoredRollout> rolloutsBehind(Project& project, int64_t runId, int64_t trajectoryId, int step);

} // namespace gpo
