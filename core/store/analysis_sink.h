#pragma once
// Where an analysis puts its work: into the project (a normal run) or into a shard file (a slice of a
// run on a cluster, merged later). The analysis job sees only this interface.
#include "store/analysis.h"
#include "store/shard_file.h"

#include <map>
#include <set>
#include <vector>

namespace gpo {

class AnalysisSink {
public:
    virtual ~AnalysisSink() = default;
    /// Rollouts of the trajectory already drawn with the run's sampling, never redrawn: `earlier` ones
    /// (other runs) are reused; `ofRun` ones, drawn by this run (or shard) before it stopped, are replayed
    /// batch by batch, so a resumed run batches exactly as an uninterrupted one.
    virtual RolloutsByRun rollouts(int64_t trajectoryId) = 0;
    /// Rollouts per prefix the run asks for, where more than K (prefixes refined later); never below K.
    virtual std::map<int, int64_t> targets(int64_t trajectoryId) = 0;
    /// Stores new rollouts, all or none.
    virtual void add(const std::vector<StoredRollout>& rollouts) = 0;
    /// The trajectory's rollouts are complete: compute and store its results.
    virtual void finish(const AnalysisTarget& target, const std::map<int, int64_t>& raise) = 0;
    /// Trajectories finished earlier (skipped on resume).
    virtual std::set<int64_t> finished() = 0;
};

/// A run writing into the project itself.
class ProjectSink final : public AnalysisSink {
public:
    ProjectSink(Project& project, const Registry& registry, int64_t runId, AnalysisConfig config)
        : project_(project), registry_(registry), runId_(runId), config_(std::move(config)) {}
    RolloutsByRun rollouts(int64_t trajectoryId) override;
    std::map<int, int64_t> targets(int64_t trajectoryId) override;
    void add(const std::vector<StoredRollout>& rollouts) override;
    void finish(const AnalysisTarget& target, const std::map<int, int64_t>& raise) override;
    std::set<int64_t> finished() override;

private:
    Project& project_;
    const Registry& registry_;
    int64_t runId_;
    AnalysisConfig config_;
};

/// A shard: reads the project (never writes it) and writes its rollouts into its own file.
class ShardSink final : public AnalysisSink {
public:
    ShardSink(Project& project, ShardFile& shard) : project_(project), shard_(shard) {}
    RolloutsByRun rollouts(int64_t trajectoryId) override;
    std::map<int, int64_t> targets(int64_t) override { return {}; }
    void add(const std::vector<StoredRollout>& rollouts) override;
    void finish(const AnalysisTarget& target, const std::map<int, int64_t>& raise) override;
    std::set<int64_t> finished() override { return shard_.done(); }

private:
    Project& project_;
    ShardFile& shard_;
};

} // namespace gpo
