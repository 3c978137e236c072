#include "jobs/analysis_job.h"

#include "mc/refinement.h"
#include "model/checkpoint_fingerprint.h"
#include "model/generation.h"
#include "store/runs.h"

#include <algorithm>
#include <chrono>
#include <set>

namespace gpo::jobs {
namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point t0) {
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

/// A trajectory's prefixes as token sequences: p_h is the prompt followed by the response's text up to
/// step h. Each step's text is tokenized on its own and appended, so every prefix is a token prefix of
/// the next and all of them share one encoded sequence.
struct PrefixTokens {
    std::vector<int32_t> shared;   ///< prompt + the text of steps 0 … H-2
    std::vector<int64_t> length;   ///< tokens of p_h, h = 0 … H-1
    std::vector<std::string> text; ///< the response text of p_h
};

PrefixTokens prefixTokens(const model::Tokenizer& tok, const model::PromptFormat& prompt,
                          const TrajectoryDetail& d) {
    PrefixTokens p;
    p.shared = tok.encode(prompt.render(d.problem.question, tok));
    if (tok.addsBos()) p.shared.insert(p.shared.begin(), tok.bosId());
    const auto& steps = d.trajectory.steps;
    const std::string& response = d.trajectory.response;
    size_t cut = 0;
    for (size_t h = 0; h < steps.size(); ++h) {
        const size_t next = h == 0 ? 0 : static_cast<size_t>(steps[h].begin);
        if (next > cut) {
            const auto chunk = tok.encode(response.substr(cut, next - cut));
            p.shared.insert(p.shared.end(), chunk.begin(), chunk.end());
            cut = next;
        }
        p.length.push_back(static_cast<int64_t>(p.shared.size()));
        p.text.push_back(response.substr(0, cut));
    }
    return p;
}

} // namespace

nlohmann::json AnalysisResult::toJson() const {
    return {{"run_id", runId},
            {"trajectories", trajectories},
            {"analysed", analysed},
            {"already_done", alreadyDone},
            {"skipped", skipped},
            {"rollouts_drawn", rolloutsDrawn},
            {"rollouts_reused", rolloutsReused},
            {"new_tokens", newTokens},
            {"generation_seconds", generationSeconds},
            {"seconds", seconds},
            {"cancelled", cancelled}};
}

AnalysisResult analyze(Project& project, const Registry& registry, model::Policy& policy,
                       const model::PromptFormat& prompt, const AnalysisConfig& config,
                       const std::vector<int64_t>& trajectories, AnalysisSink& sink,
                       const AnalysisOptions& o) {
    const auto t0 = Clock::now();
    const model::Tokenizer& tok = policy.requireTokenizer();
    const std::vector<const mc::Selector*> selectors = selectorsOf(registry, config);
    model::SamplingParams params;
    params.temperature = config.sampling.temperature;
    params.topP = config.sampling.topP;
    params.topK = config.sampling.topK;
    params.maxNewTokens = config.sampling.maxNewTokens;
    const bool refining = o.more > 0;

    AnalysisResult result;
    result.trajectories = static_cast<int64_t>(trajectories.size());
    const std::set<int64_t> finishedBefore = sink.finished();
    int64_t done = 0;
    for (int64_t id : trajectories) {
        if (o.cancelled && o.cancelled()) {
            result.cancelled = true;
            break;
        }
        ++done;
        if (finishedBefore.count(id) != (refining ? 1u : 0u)) {
            if (!refining) ++result.alreadyDone;
            continue;
        }
        const auto target = analysisTarget(project, registry, id);
        if (!target) {
            ++result.skipped;
            continue;
        }
        const TrajectoryDetail& d = target->detail;
        const int steps = static_cast<int>(d.trajectory.steps.size());
        const Verifier& verifier = registry.requireVerifier(d.verifier);
        std::vector<StoredRollout> have = sink.rollouts(id);
        std::map<int, int64_t> targets = sink.targets(id);
        auto targetOf = [&](int h) { return targets.count(h) ? targets[h] : config.k; };
        auto values = [&] { return valuesFromRollouts(id, steps, target->correct, have, targets, config.k); };

        std::map<int, int64_t> raise;
        if (refining) {
            const mc::TrajectoryValues now = values();
            const std::vector<int> where = o.refineSteps.empty() ? mc::ambiguousPrefixes(now) : o.refineSteps;
            for (int h : where)
                if (h >= 0 && h < steps) raise[h] = targets[h] = targetOf(h) + o.more;
            if (raise.empty()) continue;
        }
        int64_t reused = 0;
        for (const auto& r : have)
            reused += r.sampleIdx < targetOf(r.stepIdx) ? 1 : 0;
        const PrefixTokens prefix = prefixTokens(tok, prompt, d);
        bool stopped = false;
        for (int round = 0; !stopped; ++round) {
            const mc::TrajectoryValues v = values();
            std::set<int> wanted;
            for (const mc::Selector* s : selectors)
                for (int h : s->wanted(v, config.selectorOptions))
                    if (h >= 0 && h < steps) wanted.insert(h);
            for (const auto& [h, t] : raise)
                if (!v.prefix[static_cast<size_t>(h)] || v.prefix[static_cast<size_t>(h)]->k < t)
                    wanted.insert(h);
            // The rollouts those prefixes lack, by (prefix, index).
            std::vector<std::pair<int, int64_t>> missing;
            for (int h : wanted) {
                std::set<int64_t> present;
                for (const auto& r : have)
                    if (r.stepIdx == h) present.insert(r.sampleIdx);
                for (int64_t j = 0; j < targetOf(h); ++j)
                    if (!present.count(j)) missing.emplace_back(h, j);
            }
            if (missing.empty()) break;
            if (round > steps + 2) throw std::logic_error("analysis: selectors keep asking for rollouts");
            for (size_t start = 0; start < missing.size(); start += static_cast<size_t>(o.batchSize)) {
                if (o.cancelled && o.cancelled()) {
                    stopped = true;
                    break;
                }
                const size_t end = std::min(missing.size(), start + static_cast<size_t>(o.batchSize));
                std::vector<model::GenerationRow> rows;
                for (size_t i = start; i < end; ++i) {
                    const auto [h, j] = missing[i];
                    rows.push_back(
                        {prefix.length[static_cast<size_t>(h)], {}, rolloutSeed(config.seed, id, h, j)});
                }
                model::GenerationStats gs;
                const auto g0 = Clock::now();
                const auto out = model::generate(policy, prefix.shared, rows, params, &gs);
                result.generationSeconds += since(g0);
                result.newTokens += gs.newTokens;
                std::vector<StoredRollout> fresh;
                for (size_t i = start; i < end; ++i) {
                    const auto [h, j] = missing[i];
                    const auto& g = out[i - start];
                    const Verdict verdict =
                        verifier.verify(prefix.text[static_cast<size_t>(h)] + g.text, d.problem.answer);
                    StoredRollout r;
                    r.trajectoryId = id;
                    r.stepIdx = h;
                    r.sampleIdx = j;
                    r.seed = rows[i - start].seed;
                    r.text = g.text;
                    if (verdict.parsed) r.answer = verdict.extracted;
                    r.reward = verdict.correct ? 1.0 : 0.0;
                    r.tokens = static_cast<int64_t>(g.tokens.size());
                    r.finish = g.finish;
                    fresh.push_back(std::move(r));
                }
                sink.add(fresh);
                result.rolloutsDrawn += static_cast<int64_t>(fresh.size());
                for (auto& r : fresh)
                    have.push_back(std::move(r));
            }
        }
        if (stopped) {
            result.cancelled = true;
            break;
        }
        result.rolloutsReused += reused;
        sink.finish(*target, raise);
        ++result.analysed;
        if (o.progress) {
            const double elapsed = since(t0);
            const int64_t left = result.trajectories - done;
            o.progress({{"event", "progress"},
                        {"done", done},
                        {"total", result.trajectories},
                        {"trajectory_id", id},
                        {"rollouts_drawn", result.rolloutsDrawn},
                        {"rollouts_reused", result.rolloutsReused},
                        {"new_tokens", result.newTokens},
                        {"seconds", elapsed},
                        {"eta_seconds",
                         elapsed / static_cast<double>(result.analysed) * static_cast<double>(left)}});
        }
    }
    result.seconds = since(t0);
    return result;
}

AnalysisConfig defaultAnalysisConfig(const Registry& registry, const PolicyEntry& policy,
                                     const model::Policy& loaded, const model::PromptFormat& prompt,
                                     const TrajectoryFilter& selection) {
    AnalysisConfig c;
    c.selection = selection;
    c.sampling.policy = policy.name;
    c.sampling.fingerprint = model::checkpointFingerprint(policy.path);
    c.sampling.maxNewTokens = loaded.maxNewTokens().value_or(512);
    c.sampling.prompt = prompt.toJson();
    for (const auto* s : registry.selectors())
        c.selectors.push_back(s->name());
    c.name = analysisRunName(c);
    return c;
}

AnalysisResult analyzeInProject(Project& project, const Registry& registry, model::Policy& policy,
                                const model::PromptFormat& prompt, const AnalysisConfig& config,
                                std::optional<int64_t> runId, const AnalysisOptions& options) {
    selectorsOf(registry, config); // an unknown selector fails before a run is recorded
    const std::vector<int64_t> selection = analysisSelection(project, config);
    const int64_t id = runId ? *runId : beginAnalysisRun(project, config);
    if (runId) {
        auto st = project.db().prepare("UPDATE runs SET status = 'running', error = NULL WHERE id = ?");
        st.bind(1, id).run();
    }
    try {
        ProjectSink sink(project, registry, id, config);
        AnalysisResult r = analyze(project, registry, policy, prompt, config, selection, sink, options);
        r.runId = id;
        finishRun(project, id, r.cancelled ? "cancelled" : "done");
        return r;
    } catch (const std::exception& e) {
        finishRun(project, id, "failed", e.what());
        throw;
    }
}

} // namespace gpo::jobs
