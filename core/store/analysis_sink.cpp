#include "store/analysis_sink.h"

#include <algorithm>

namespace gpo {

RolloutsByRun ProjectSink::rollouts(int64_t trajectoryId) {
    return loadRolloutsByRun(project_.db(), trajectoryId, config_.sampling.key(), runId_);
}

std::map<int, int64_t> ProjectSink::targets(int64_t trajectoryId) {
    return rolloutTargets(project_, runId_, trajectoryId, config_.k);
}

void ProjectSink::add(const std::vector<StoredRollout>& rollouts) {
    sql::Transaction tx(project_.db());
    insertRollouts(project_.db(), runId_, config_.sampling.key(), rollouts);
    tx.commit();
}

void ProjectSink::finish(const AnalysisTarget& target, const std::map<int, int64_t>& raise) {
    finalizeTrajectory(project_, registry_, runId_, config_, target, raise);
}

std::set<int64_t> ProjectSink::finished() {
    return finishedTrajectories(project_, runId_);
}

RolloutsByRun ShardSink::rollouts(int64_t trajectoryId) {
    const std::string key = shard_.config().sampling.key();
    RolloutsByRun r;
    r.earlier = loadRollouts(project_.db(), trajectoryId, key);
    std::set<std::pair<int, int64_t>> inProject;
    for (const auto& e : r.earlier)
        inProject.emplace(e.stepIdx, e.sampleIdx);
    for (auto& own : loadRollouts(shard_.db(), trajectoryId, key))
        if (!inProject.count({own.stepIdx, own.sampleIdx})) r.ofRun.push_back(std::move(own));
    return r;
}

void ShardSink::add(const std::vector<StoredRollout>& rollouts) {
    sql::Transaction tx(shard_.db());
    insertRollouts(shard_.db(), 0, shard_.config().sampling.key(), rollouts);
    tx.commit();
}

void ShardSink::finish(const AnalysisTarget& target, const std::map<int, int64_t>&) {
    shard_.markDone(target.detail.id);
}

} // namespace gpo
