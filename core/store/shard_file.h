#pragma once
// An analysis shard's result file. `gpo analyze --shard I/N` writes its rollouts here instead of into
// the project (SQLite over a network filesystem is unsafe to share for writing); `gpo merge` folds the
// files into the project. The file names the project and carries the run's config, so a shard merges
// only into its own project and run, and merging a file twice adds nothing.
#include "plugin/registry.h"
#include "store/analysis.h"
#include "store/sqlite.h"

#include <set>
#include <string>
#include <vector>

namespace gpo {

class ShardFile {
public:
    /// Creates the file, or reopens it to resume the same shard of the same run. Throws StoreError when
    /// the file exists but belongs to another project, run or shard.
    static ShardFile openForWriting(const std::string& path, const std::string& projectId,
                                    const AnalysisConfig& config, int index, int count);
    /// Opens an existing shard file read-only; throws StoreError naming the file when it is not one.
    static ShardFile openForReading(const std::string& path);

    sql::Database& db() { return db_; }
    const std::string& path() const { return path_; }
    const std::string& projectId() const { return projectId_; }
    const AnalysisConfig& config() const { return config_; }
    int index() const { return index_; }
    int count() const { return count_; }
    /// Trajectories whose rollouts are complete in this file.
    std::set<int64_t> done();
    void markDone(int64_t trajectoryId);

private:
    ShardFile(sql::Database db, std::string path) : db_(std::move(db)), path_(std::move(path)) {}
    void readInfo();
    sql::Database db_;
    std::string path_;
    std::string projectId_;
    AnalysisConfig config_;
    int index_ = 0, count_ = 1;
};

struct MergeResult {
    int64_t runId = 0;
    int64_t files = 0;
    int64_t rolloutsAdded = 0;   ///< new rows (a rollout merged before is not added again)
    int64_t trajectories = 0;    ///< trajectories (re)computed from the merged rollouts
    int64_t runTrajectories = 0; ///< the run's selection
    int64_t finishedTrajectories = 0;
    bool complete = false; ///< every trajectory of the run has results; the run is marked done
    nlohmann::json toJson() const;
};

/// Folds shard files (all of one run) into the project: their rollouts, then the estimates and picks of
/// every trajectory they finished. Creates the run when the project has none with that config.
MergeResult mergeShards(Project& project, const Registry& registry, const std::vector<std::string>& paths);

} // namespace gpo
