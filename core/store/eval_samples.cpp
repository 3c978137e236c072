#include "store/eval_samples.h"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace gpo {
namespace {

std::string number(double v) {
    std::ostringstream s;
    s << v;
    return s.str();
}

} // namespace

EvalSampling EvalSampling::fromRunConfig(const nlohmann::json& config) {
    EvalSampling s;
    s.samples = config.value("samples", int64_t{1});
    s.temperature = config.value("temperature", 0.0);
    s.topP = config.value("top_p", 1.0);
    s.topK = config.value("top_k", int64_t{0});
    s.maxNewTokens = config.value("max_new_tokens", int64_t{0});
    return s;
}

bool EvalSampling::sameAs(const EvalSampling& o) const {
    if (samples != o.samples || std::abs(temperature - o.temperature) > 1e-9) return false;
    if (maxNewTokens && o.maxNewTokens && maxNewTokens != o.maxNewTokens) return false;
    return isGreedy() || (std::abs(topP - o.topP) <= 1e-9 && topK == o.topK);
}

std::vector<std::string> EvalSampling::evalArguments() const {
    std::vector<std::string> a{"--samples", std::to_string(samples), "--temperature", number(temperature)};
    if (!isGreedy()) {
        a.insert(a.end(), {"--top-p", number(topP), "--top-k", std::to_string(topK)});
    }
    if (maxNewTokens) a.insert(a.end(), {"--max-tokens", std::to_string(maxNewTokens)});
    return a;
}

std::string EvalSampling::describe() const {
    std::string s = isGreedy()
                        ? "greedy, " + std::to_string(samples) + (samples == 1 ? " answer" : " answers")
                        : std::to_string(samples) + (samples == 1 ? " sample" : " samples");
    s += " a problem";
    if (!isGreedy()) {
        s += " at T " + number(temperature);
        if (topP < 1) s += ", top-p " + number(topP);
        if (topK > 0) s += ", top-k " + std::to_string(topK);
    }
    if (maxNewTokens) s += ", up to " + std::to_string(maxNewTokens) + " tokens";
    return s;
}

EvalSampleWriter::EvalSampleWriter(sql::Database& db)
    : insert_(db, "INSERT OR REPLACE INTO eval_samples(run_id, problem_id, sample_idx, trajectory_id) "
                  "VALUES(?,?,?,?)") {}

void EvalSampleWriter::add(int64_t runId, int64_t problemId, int64_t sampleIdx, int64_t trajectoryId) {
    insert_.bind(1, runId).bind(2, problemId).bind(3, sampleIdx).bind(4, trajectoryId).run();
}

std::vector<EvalRunEntry> evalRuns(Project& project, const std::string& dataset, const std::string& policy) {
    auto st = project.db().prepare(
        "SELECT id, config, coalesce(finished_at, '') FROM runs WHERE kind = 'eval' AND status = 'done' AND "
        "json_extract(config, '$.dataset') = ?1 AND (?2 = '' OR json_extract(config, '$.policy') = ?2) AND "
        "EXISTS(SELECT 1 FROM eval_samples s WHERE s.run_id = runs.id) ORDER BY id DESC");
    st.bind(1, dataset).bind(2, policy);
    std::vector<EvalRunEntry> out;
    while (st.step()) {
        const auto config = nlohmann::json::parse(st.columnText(1), nullptr, false);
        if (!config.is_object()) continue;
        out.push_back({st.columnInt(0), config.value("policy", std::string()), dataset, st.columnText(2),
                       EvalSampling::fromRunConfig(config)});
    }
    return out;
}

std::optional<EvalRunEntry> latestEvalRun(Project& project, const std::string& dataset,
                                          const std::string& policy, const EvalSampling& how) {
    for (auto& r : evalRuns(project, dataset, policy))
        if (r.sampling.sameAs(how)) return r;
    return std::nullopt;
}

std::vector<EvalSampling> evalSamplings(Project& project, const std::string& dataset) {
    std::vector<EvalSampling> out;
    for (const auto& r : evalRuns(project, dataset))
        if (std::none_of(out.begin(), out.end(), [&](const EvalSampling& s) { return s.sameAs(r.sampling); }))
            out.push_back(r.sampling);
    std::stable_partition(out.begin(), out.end(), [](const EvalSampling& s) { return s.isGreedy(); });
    return out;
}

std::map<int64_t, ProblemSamples> samplesOfRun(Project& project, int64_t runId) {
    auto st = project.db().prepare(
        "SELECT s.problem_id, s.trajectory_id, t.correct FROM eval_samples s JOIN trajectories t ON "
        "t.id = s.trajectory_id WHERE s.run_id = ? AND t.correct IS NOT NULL ORDER BY s.problem_id, "
        "s.sample_idx");
    st.bind(1, runId);
    std::map<int64_t, ProblemSamples> out;
    while (st.step()) {
        ProblemSamples& p = out[st.columnInt(0)];
        ++p.total;
        int64_t& shown = st.columnInt(2) ? p.rightTrajectory : p.wrongTrajectory;
        if (st.columnInt(2)) ++p.right;
        if (!shown) shown = st.columnInt(1);
    }
    return out;
}

} // namespace gpo
