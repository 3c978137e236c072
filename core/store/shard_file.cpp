#include "store/shard_file.h"

#include "store/runs.h"
#include "util/input_error.h"

#include <filesystem>
#include <map>

namespace gpo {
namespace {

constexpr const char* kFormat = "gpo-analysis-shard";
constexpr int kVersion = 1;

// The rollouts table has the project's column names, so the store's rollout queries read and write both.
constexpr const char* kSchema = R"SQL(
CREATE TABLE IF NOT EXISTS shard_info(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS rollouts(
  run_id INTEGER,
  trajectory_id INTEGER NOT NULL,
  step_idx INTEGER NOT NULL,
  sampling_key TEXT NOT NULL,
  sample_idx INTEGER NOT NULL,
  seed INTEGER,
  text TEXT NOT NULL,
  answer TEXT,
  reward REAL NOT NULL,
  tokens INTEGER NOT NULL DEFAULT 0,
  finish TEXT NOT NULL DEFAULT '',
  PRIMARY KEY(trajectory_id, step_idx, sampling_key, sample_idx)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS done(trajectory_id INTEGER PRIMARY KEY);
)SQL";

std::string info(sql::Database& db, const std::string& key) {
    auto st = db.prepare("SELECT value FROM shard_info WHERE key = ?");
    st.bind(1, key);
    return st.step() ? st.columnText(0) : std::string();
}

} // namespace

ShardFile ShardFile::openForWriting(const std::string& path, const std::string& projectId,
                                    const AnalysisConfig& config, int index, int count) {
    const bool existed = std::filesystem::exists(path);
    ShardFile f(sql::Database(path, false, true), path);
    if (existed) {
        f.readInfo();
        if (f.projectId_ != projectId || f.config_.toJson() != config.toJson() || f.index_ != index ||
            f.count_ != count)
            throw StoreError(path + ": holds shard " + std::to_string(f.index_) + "/" +
                             std::to_string(f.count_) + " of another run or project; choose another --out");
        return f;
    }
    f.db_.exec(kSchema);
    sql::Transaction tx(f.db_);
    auto st = f.db_.prepare("INSERT INTO shard_info(key, value) VALUES(?, ?)");
    const std::pair<std::string, std::string> rows[] = {{"format", kFormat},
                                                        {"version", std::to_string(kVersion)},
                                                        {"project_id", projectId},
                                                        {"config", config.toJson().dump()},
                                                        {"shard_index", std::to_string(index)},
                                                        {"shard_count", std::to_string(count)}};
    for (const auto& [k, v] : rows) {
        st.bind(1, k).bind(2, v).run();
        st.reset();
    }
    tx.commit();
    f.readInfo();
    return f;
}

ShardFile ShardFile::openForReading(const std::string& path) {
    if (!std::filesystem::exists(path)) throw StoreError(path + ": no such shard file");
    ShardFile f(sql::Database(path, true, false), path);
    f.readInfo();
    return f;
}

void ShardFile::readInfo() {
    std::string format;
    try {
        format = info(db_, "format");
    } catch (const StoreError&) {
        throw StoreError(path_ + ": not an analysis shard file of gpo");
    }
    if (format != kFormat) throw StoreError(path_ + ": not an analysis shard file of gpo");
    if (info(db_, "version") != std::to_string(kVersion))
        throw StoreError(path_ + ": shard file version " + info(db_, "version") + " (this gpo reads " +
                         std::to_string(kVersion) + ")");
    projectId_ = info(db_, "project_id");
    try {
        config_ = AnalysisConfig::fromJson(nlohmann::json::parse(info(db_, "config")));
        index_ = std::stoi(info(db_, "shard_index"));
        count_ = std::stoi(info(db_, "shard_count"));
    } catch (const std::exception& e) {
        throw StoreError(path_ + ": damaged shard information: " + e.what());
    }
}

std::set<int64_t> ShardFile::done() {
    std::set<int64_t> out;
    auto st = db_.prepare("SELECT trajectory_id FROM done");
    while (st.step())
        out.insert(st.columnInt(0));
    return out;
}

void ShardFile::markDone(int64_t trajectoryId) {
    auto st = db_.prepare("INSERT OR IGNORE INTO done(trajectory_id) VALUES(?)");
    st.bind(1, trajectoryId).run();
}

nlohmann::json MergeResult::toJson() const {
    return {{"run_id", runId},
            {"files", files},
            {"rollouts_added", rolloutsAdded},
            {"trajectories", trajectories},
            {"run_trajectories", runTrajectories},
            {"finished_trajectories", finishedTrajectories},
            {"complete", complete}};
}

MergeResult mergeShards(Project& project, const Registry& registry, const std::vector<std::string>& paths) {
    if (paths.empty()) throw std::invalid_argument("no shard files to merge");
    std::vector<ShardFile> shards;
    for (const auto& p : paths)
        shards.push_back(ShardFile::openForReading(p));
    const std::string id = projectId(project);
    const AnalysisConfig& config = shards.front().config();
    for (auto& s : shards) {
        if (s.projectId() != id)
            throw StoreError(s.path() + ": a shard of another project (" + s.projectId() + ", this is " + id +
                             ")");
        if (s.config().toJson() != config.toJson())
            throw StoreError(s.path() + ": a shard of another run than " + shards.front().path());
    }
    selectorsOf(registry, config); // refuses unknown selectors before anything is written

    MergeResult result;
    result.files = static_cast<int64_t>(shards.size());
    const auto existing = findAnalysisRun(project, config);
    result.runId = existing ? *existing : beginAnalysisRun(project, config);
    auto& db = project.db();
    std::set<int64_t> finished;
    for (auto& s : shards) {
        const int64_t before = db.totalChanges();
        {
            std::map<std::string, std::vector<StoredRollout>> byKey;
            auto st =
                s.db().prepare(std::string("SELECT ") + kRolloutColumns + ", sampling_key FROM rollouts");
            while (st.step())
                byKey[st.columnText(9)].push_back(rolloutFromRow(st));
            sql::Transaction tx(db);
            for (const auto& [key, rollouts] : byKey)
                insertRollouts(db, result.runId, key, rollouts);
            tx.commit();
        }
        result.rolloutsAdded += db.totalChanges() - before;
        for (int64_t t : s.done())
            finished.insert(t);
    }
    for (int64_t t : finished) {
        const auto target = analysisTarget(project, registry, t);
        if (!target) continue;
        finalizeTrajectory(project, registry, result.runId, config, *target);
        ++result.trajectories;
    }
    const auto selection = analysisSelection(project, config);
    const auto done = finishedTrajectories(project, result.runId);
    result.runTrajectories = static_cast<int64_t>(selection.size());
    result.finishedTrajectories = 0;
    for (int64_t t : selection)
        result.finishedTrajectories += done.count(t) ? 1 : 0;
    result.complete = result.finishedTrajectories == result.runTrajectories;
    if (result.complete) finishRun(project, result.runId, "done");
    return result;
}

} // namespace gpo
