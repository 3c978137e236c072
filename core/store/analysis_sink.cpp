#include "store/analysis_sink.h"

#include <algorithm>

namespace gpo {

std::vector<StoredRollout> ProjectSink::rollouts(int64_t trajectoryId) {
    return loadRollouts(project_.db(), trajectoryId, config_.sampling.key());
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

std::vector<StoredRollout> ShardSink::rollouts(int64_t trajectoryId) {
    const std::string key = shard_.config().sampling.key();
    std::vector<StoredRollout> all = loadRollouts(project_.db(), trajectoryId, key);
    for (auto& r : loadRollouts(shard_.db(), trajectoryId, key))
        all.push_back(std::move(r));
    std::sort(all.begin(), all.end(), [](const StoredRollout& a, const StoredRollout& b) {
        return std::tie(a.stepIdx, a.sampleIdx) < std::tie(b.stepIdx, b.sampleIdx);
    });
    all.erase(std::unique(all.begin(), all.end(),
                          [](const StoredRollout& a, const StoredRollout& b) {
                              return a.stepIdx == b.stepIdx && a.sampleIdx == b.sampleIdx;
                          }),
              all.end());
    return all;
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
