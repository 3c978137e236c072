#include "store/analysis.h"

#include "store/runs.h"
#include "util/hash.h"

#include <algorithm>
#include <stdexcept>

namespace gpo {
namespace {

const char* correctnessName(Correctness c) {
    switch (c) {
    case Correctness::Correct:
        return "correct";
    case Correctness::Incorrect:
        return "incorrect";
    case Correctness::Unverified:
        return "unverified";
    case Correctness::Any:
        break;
    }
    return "any";
}

Correctness correctnessFrom(const std::string& s) {
    if (s == "any") return Correctness::Any;
    if (s == "correct") return Correctness::Correct;
    if (s == "incorrect") return Correctness::Incorrect;
    if (s == "unverified") return Correctness::Unverified;
    throw std::invalid_argument("analysis config: selection.correctness '" + s +
                                "' is not any, correct, incorrect or unverified");
}

template <class T> T field(const nlohmann::json& j, const char* key, T fallback) {
    if (!j.contains(key)) return fallback;
    try {
        return j.at(key).get<T>();
    } catch (const nlohmann::json::exception& e) {
        throw std::invalid_argument(std::string("analysis config: field '") + key + "': " + e.what());
    }
}

uint64_t mix(uint64_t h, uint64_t v) {
    h = (h ^ v) * 0xBF58476D1CE4E5B9ull;
    return h ^ (h >> 29);
}

} // namespace

nlohmann::json RolloutSampling::toJson() const {
    return {{"policy", policy},
            {"fingerprint", fingerprint},
            {"temperature", temperature},
            {"top_p", topP},
            {"top_k", topK},
            {"max_new_tokens", maxNewTokens},
            {"prompt", prompt.is_null() ? nlohmann::json::object() : prompt}};
}

RolloutSampling RolloutSampling::fromJson(const nlohmann::json& j) {
    RolloutSampling s;
    s.policy = field<std::string>(j, "policy", "");
    s.fingerprint = field<std::string>(j, "fingerprint", "");
    s.temperature = field<double>(j, "temperature", 1.0);
    s.topP = field<double>(j, "top_p", 1.0);
    s.topK = field<int64_t>(j, "top_k", 0);
    s.maxNewTokens = field<int64_t>(j, "max_new_tokens", 512);
    s.prompt = j.value("prompt", nlohmann::json::object());
    return s;
}

std::string RolloutSampling::key() const {
    return hexPrefix(contentHash({toJson().dump()}));
}

nlohmann::json AnalysisConfig::toJson() const {
    return {{"name", name},
            {"selection",
             {{"dataset", selection.dataset},
              {"correctness", correctnessName(selection.correctness)},
              {"source", selection.source},
              {"text", selection.text},
              {"ids", selection.ids}}},
            {"sampling", sampling.toJson()},
            {"sampling_key", sampling.key()},
            {"k", k},
            {"selectors", selectors},
            {"threshold", selectorOptions.threshold},
            {"seed", seed},
            {"batch", batch},
            {"group", group}};
}

AnalysisConfig AnalysisConfig::fromJson(const nlohmann::json& j) {
    if (!j.is_object()) throw std::invalid_argument("analysis config: not a JSON object");
    AnalysisConfig c;
    c.name = field<std::string>(j, "name", "");
    const nlohmann::json sel = j.value("selection", nlohmann::json::object());
    c.selection.dataset = field<std::string>(sel, "dataset", "");
    c.selection.correctness = correctnessFrom(field<std::string>(sel, "correctness", "any"));
    c.selection.source = field<std::string>(sel, "source", "");
    c.selection.text = field<std::string>(sel, "text", "");
    c.selection.ids = field<std::vector<int64_t>>(sel, "ids", {});
    c.sampling = RolloutSampling::fromJson(j.value("sampling", nlohmann::json::object()));
    c.k = field<int64_t>(j, "k", 4);
    if (c.k < 1) throw std::invalid_argument("analysis config: k must be at least 1");
    c.selectors = field<std::vector<std::string>>(j, "selectors", {});
    if (c.selectors.empty()) throw std::invalid_argument("analysis config: no selectors");
    c.selectorOptions.threshold = field<double>(j, "threshold", 0.0);
    c.seed = field<uint64_t>(j, "seed", 0);
    c.selectorOptions.seed = c.seed;
    c.batch = field<int64_t>(j, "batch", 64);
    c.group = field<int64_t>(j, "group", 1); // runs from before groups batched one trajectory at a time
    if (c.batch < 1 || c.group < 1)
        throw std::invalid_argument("analysis config: batch and group must be at least 1");
    return c;
}

uint64_t rolloutSeed(uint64_t seed, const TrajectoryDetail& t, int stepIdx, int64_t sampleIdx) {
    const uint64_t content = first64(
        contentHash({t.problem.question, t.problem.answer, t.trajectory.source, t.trajectory.response}));
    uint64_t h = mix(seed ^ 0x9E3779B97F4A7C15ull, content);
    h = mix(h, static_cast<uint64_t>(stepIdx));
    return mix(h, static_cast<uint64_t>(sampleIdx));
}

std::vector<int64_t> analysisSelection(Project& project, const AnalysisConfig& config, int shardIndex,
                                       int shardCount) {
    if (shardCount < 1 || shardIndex < 0 || shardIndex >= shardCount)
        throw std::invalid_argument("shard " + std::to_string(shardIndex) + "/" + std::to_string(shardCount) +
                                    ": the index must be in 0 … count-1");
    if (!config.selection.dataset.empty()) requireDataset(project, config.selection.dataset);
    std::vector<int64_t> all = trajectoryIds(project, config.selection);
    // Only what can be analysed: trajectories with steps whose problem has a reference answer.
    std::set<int64_t> analysable;
    auto st = project.db().prepare("SELECT t.id FROM trajectories t JOIN problems p ON p.id = t.problem_id"
                                   " WHERE t.n_steps > 0 AND p.answer <> ''");
    while (st.step())
        analysable.insert(st.columnInt(0));
    std::erase_if(all, [&](int64_t id) { return !analysable.count(id); });
    // Whole groups, so that a shard batches exactly as one process does.
    const auto group = static_cast<size_t>(std::max<int64_t>(config.group, 1));
    std::vector<int64_t> slice;
    for (size_t g = static_cast<size_t>(shardIndex) * group; g < all.size();
         g += static_cast<size_t>(shardCount) * group)
        for (size_t i = g; i < std::min(all.size(), g + group); ++i)
            slice.push_back(all[i]);
    return slice;
}

std::vector<const mc::Selector*> selectorsOf(const Registry& registry, const AnalysisConfig& config) {
    std::vector<const mc::Selector*> out;
    for (const auto& name : config.selectors)
        out.push_back(&registry.requireSelector(name));
    return out;
}

std::string analysisRunName(const AnalysisConfig& c) {
    std::string what = c.selection.dataset.empty() ? "a selection" : c.selection.dataset;
    if (!c.selection.source.empty()) what += " (" + c.selection.source + ")";
    return "analysis of " + what + " by " + c.sampling.policy + " (K=" + std::to_string(c.k) + ")";
}

int64_t beginAnalysisRun(Project& project, const AnalysisConfig& config) {
    return beginRun(project, "analysis", config.name, config.toJson());
}

std::optional<int64_t> findAnalysisRun(Project& project, const AnalysisConfig& config) {
    const nlohmann::json want = config.toJson();
    auto st = project.db().prepare("SELECT id, config FROM runs WHERE kind = 'analysis' ORDER BY id DESC");
    while (st.step()) {
        const auto stored = nlohmann::json::parse(st.columnText(1), nullptr, false);
        if (!stored.is_discarded() && stored == want) return st.columnInt(0);
    }
    return std::nullopt;
}

AnalysisConfig analysisConfig(Project& project, int64_t runId) {
    auto st = project.db().prepare("SELECT kind, config FROM runs WHERE id = ?");
    st.bind(1, runId);
    if (!st.step() || st.columnText(0) != "analysis")
        throw std::invalid_argument("run " + std::to_string(runId) +
                                    " is not an analysis run of the project");
    const auto j = nlohmann::json::parse(st.columnText(1), nullptr, false);
    if (j.is_discarded())
        throw std::invalid_argument("run " + std::to_string(runId) + ": its stored config is not JSON");
    return AnalysisConfig::fromJson(j);
}

std::optional<int64_t> unfinishedAnalysisRun(Project& project) {
    auto st = project.db().prepare(
        "SELECT id FROM runs WHERE kind = 'analysis' AND status <> 'done' ORDER BY id DESC LIMIT 1");
    if (!st.step()) return std::nullopt;
    return st.columnInt(0);
}

std::optional<int64_t> latestAnalysisRun(Project& project) {
    auto st = project.db().prepare("SELECT max(id) FROM runs WHERE kind = 'analysis'");
    if (!st.step() || st.columnIsNull(0)) return std::nullopt;
    return st.columnInt(0);
}

std::string projectId(Project& project) {
    return project.info("project_id");
}

StoredRollout rolloutFromRow(const sql::Statement& st) {
    StoredRollout r;
    r.trajectoryId = st.columnInt(0);
    r.stepIdx = static_cast<int>(st.columnInt(1));
    r.sampleIdx = st.columnInt(2);
    r.seed = static_cast<uint64_t>(st.columnInt(3));
    r.text = st.columnText(4);
    if (!st.columnIsNull(5)) r.answer = st.columnText(5);
    r.reward = st.columnDouble(6);
    r.tokens = st.columnInt(7);
    r.finish = st.columnText(8);
    return r;
}

std::vector<StoredRollout> loadRollouts(sql::Database& db, int64_t trajectoryId, const std::string& key) {
    auto st = db.prepare(
        std::string("SELECT ") + kRolloutColumns +
        " FROM rollouts WHERE trajectory_id = ? AND sampling_key = ? ORDER BY step_idx, sample_idx");
    st.bind(1, trajectoryId).bind(2, key);
    std::vector<StoredRollout> out;
    while (st.step())
        out.push_back(rolloutFromRow(st));
    return out;
}

RolloutsByRun loadRolloutsByRun(sql::Database& db, int64_t trajectoryId, const std::string& key,
                                int64_t runId) {
    auto st = db.prepare(std::string("SELECT ") + kRolloutColumns +
                         ", coalesce(run_id, 0) FROM rollouts WHERE trajectory_id = ? AND sampling_key = ?"
                         " ORDER BY step_idx, sample_idx");
    st.bind(1, trajectoryId).bind(2, key);
    RolloutsByRun out;
    while (st.step())
        (st.columnInt(9) == runId ? out.ofRun : out.earlier).push_back(rolloutFromRow(st));
    return out;
}

void insertRollouts(sql::Database& db, int64_t runId, const std::string& key,
                    const std::vector<StoredRollout>& rollouts) {
    auto st = db.prepare("INSERT OR IGNORE INTO rollouts(run_id, trajectory_id, step_idx, sampling_key,"
                         " sample_idx, seed, text, answer, reward, tokens, finish)"
                         " VALUES(?,?,?,?,?,?,?,?,?,?,?)");
    for (const auto& r : rollouts) {
        if (runId > 0)
            st.bind(1, runId);
        else
            st.bindNull(1);
        st.bind(2, r.trajectoryId).bind(3, r.stepIdx).bind(4, key).bind(5, r.sampleIdx);
        st.bind(6, static_cast<int64_t>(r.seed)).bind(7, r.text).bind(8, r.answer).bind(9, r.reward);
        st.bind(10, r.tokens).bind(11, r.finish).run();
    }
}

std::optional<AnalysisTarget> analysisTarget(Project& project, const Registry& registry, int64_t id) {
    auto detail = loadTrajectory(project, id);
    if (!detail || detail->trajectory.steps.empty() || detail->problem.answer.empty()) return std::nullopt;
    AnalysisTarget t{std::move(*detail), false};
    if (t.detail.correct)
        t.correct = *t.detail.correct;
    else
        t.correct =
            registry.requireVerifier(t.detail.verifier)
                .verify(t.detail.trajectory.response, t.detail.problem.answer, t.detail.problem.question)
                .correct;
    return t;
}

mc::TrajectoryValues valuesFromRollouts(int64_t trajectoryId, int steps, bool correct,
                                        const std::vector<StoredRollout>& rollouts,
                                        const std::map<int, int64_t>& targets, int64_t k) {
    mc::TrajectoryValues v = mc::TrajectoryValues::unknown(trajectoryId, steps, correct);
    std::vector<int64_t> count(static_cast<size_t>(steps), 0);
    std::vector<double> sum(static_cast<size_t>(steps), 0.0);
    auto target = [&](int h) {
        const auto it = targets.find(h);
        return it == targets.end() ? k : it->second;
    };
    for (const auto& r : rollouts) {
        if (r.stepIdx < 0 || r.stepIdx >= steps || r.sampleIdx >= target(r.stepIdx)) continue;
        ++count[static_cast<size_t>(r.stepIdx)];
        sum[static_cast<size_t>(r.stepIdx)] += r.reward;
    }
    for (int h = 0; h < steps; ++h)
        if (count[static_cast<size_t>(h)] >= target(h)) v.set(h, target(h), sum[static_cast<size_t>(h)]);
    return v;
}

std::map<int, int64_t> rolloutTargets(Project& project, int64_t runId, int64_t trajectoryId, int64_t k) {
    auto st = project.db().prepare(
        "SELECT step_idx, k FROM mc_estimates WHERE run_id = ? AND trajectory_id = ? AND k > 0");
    st.bind(1, runId).bind(2, trajectoryId);
    std::map<int, int64_t> out;
    while (st.step())
        out[static_cast<int>(st.columnInt(0))] = std::max(st.columnInt(1), k);
    return out;
}

mc::TrajectoryValues finalizeTrajectory(Project& project, const Registry& registry, int64_t runId,
                                        const AnalysisConfig& config, const AnalysisTarget& target,
                                        const std::map<int, int64_t>& raise) {
    const int64_t id = target.detail.id;
    std::map<int, int64_t> targets = rolloutTargets(project, runId, id, config.k);
    for (const auto& [h, t] : raise)
        targets[h] = std::max(targets.count(h) ? targets[h] : config.k, t);
    const int steps = static_cast<int>(target.detail.trajectory.steps.size());
    const mc::TrajectoryValues v = valuesFromRollouts(
        id, steps, target.correct, loadRollouts(project.db(), id, config.sampling.key()), targets, config.k);

    auto& db = project.db();
    sql::Transaction tx(db);
    for (const char* table : {"mc_estimates", "critical_picks"}) {
        auto del =
            db.prepare(std::string("DELETE FROM ") + table + " WHERE run_id = ? AND trajectory_id = ?");
        del.bind(1, runId).bind(2, id).run();
    }
    auto est = db.prepare("INSERT INTO mc_estimates(run_id, trajectory_id, step_idx, k, successes, value,"
                          " ci_low, ci_high, advantage) VALUES(?,?,?,?,?,?,?,?,?)");
    for (int h = 0; h <= steps; ++h) {
        const auto& p = v.prefix[static_cast<size_t>(h)];
        if (!p) continue;
        est.bind(1, runId).bind(2, id).bind(3, h).bind(4, p->k).bind(5, p->successes).bind(6, p->value);
        est.bind(7, p->interval.low).bind(8, p->interval.high).bind(9, v.advantage(h)).run();
    }
    auto pick =
        db.prepare("INSERT INTO critical_picks(run_id, trajectory_id, selector, step_idx) VALUES(?,?,?,?)");
    for (const mc::Selector* s : selectorsOf(registry, config)) {
        const auto step = s->pick(v, config.selectorOptions);
        pick.bind(1, runId).bind(2, id).bind(3, s->name());
        if (step)
            pick.bind(4, *step);
        else
            pick.bindNull(4);
        pick.run();
    }
    tx.commit();
    return v;
}

std::set<int64_t> finishedTrajectories(Project& project, int64_t runId) {
    auto st = project.db().prepare("SELECT DISTINCT trajectory_id FROM critical_picks WHERE run_id = ?");
    st.bind(1, runId);
    std::set<int64_t> out;
    while (st.step())
        out.insert(st.columnInt(0));
    return out;
}

const StepEstimate* TrajectoryAnalysis::estimate(int prefix) const {
    for (const auto& e : estimates)
        if (e.step == prefix) return &e;
    return nullptr;
}

std::vector<std::string> TrajectoryAnalysis::pickedBy(int step) const {
    std::vector<std::string> out;
    for (const auto& [selector, pick] : picks)
        if (pick && *pick == step) out.push_back(selector);
    return out;
}

std::optional<TrajectoryAnalysis> loadAnalysis(Project& project, int64_t runId, int64_t trajectoryId) {
    TrajectoryAnalysis a{runId, trajectoryId, {}, {}};
    auto est = project.db().prepare(
        "SELECT step_idx, k, successes, value, ci_low, ci_high, advantage FROM mc_estimates"
        " WHERE run_id = ? AND trajectory_id = ? ORDER BY step_idx");
    est.bind(1, runId).bind(2, trajectoryId);
    while (est.step()) {
        StepEstimate e;
        e.step = static_cast<int>(est.columnInt(0));
        e.k = est.columnInt(1);
        e.successes = est.columnDouble(2);
        e.value = est.columnDouble(3);
        e.ciLow = est.columnDouble(4);
        e.ciHigh = est.columnDouble(5);
        if (!est.columnIsNull(6)) e.advantage = est.columnDouble(6);
        a.estimates.push_back(e);
    }
    auto picks = project.db().prepare(
        "SELECT selector, step_idx FROM critical_picks WHERE run_id = ? AND trajectory_id = ?");
    picks.bind(1, runId).bind(2, trajectoryId);
    while (picks.step()) {
        std::optional<int> step;
        if (!picks.columnIsNull(1)) step = static_cast<int>(picks.columnInt(1));
        a.picks[picks.columnText(0)] = step;
    }
    if (a.estimates.empty() && a.picks.empty()) return std::nullopt;
    return a;
}

std::optional<int64_t> latestAnalysisRunFor(Project& project, int64_t trajectoryId) {
    auto st = project.db().prepare("SELECT max(run_id) FROM critical_picks WHERE trajectory_id = ?");
    st.bind(1, trajectoryId);
    if (!st.step() || st.columnIsNull(0)) return std::nullopt;
    return st.columnInt(0);
}

std::vector<int64_t> analysisRunsFor(Project& project, int64_t trajectoryId) {
    auto st = project.db().prepare(
        "SELECT DISTINCT run_id FROM critical_picks WHERE trajectory_id = ? ORDER BY run_id DESC");
    st.bind(1, trajectoryId);
    std::vector<int64_t> out;
    while (st.step())
        out.push_back(st.columnInt(0));
    return out;
}

std::vector<StoredRollout> rolloutsBehind(Project& project, int64_t runId, int64_t trajectoryId, int step) {
    const AnalysisConfig config = analysisConfig(project, runId);
    auto kq = project.db().prepare(
        "SELECT k FROM mc_estimates WHERE run_id = ? AND trajectory_id = ? AND step_idx = ?");
    kq.bind(1, runId).bind(2, trajectoryId).bind(3, step);
    const int64_t k = kq.step() ? kq.columnInt(0) : 0;
    std::vector<StoredRollout> out;
    for (auto& r : loadRollouts(project.db(), trajectoryId, config.sampling.key()))
        if (r.stepIdx == step && r.sampleIdx < k) out.push_back(std::move(r));
    return out;
}

} // namespace gpo
