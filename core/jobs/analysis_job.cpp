#include "jobs/analysis_job.h"

#include "mc/refinement.h"
#include "model/checkpoint_fingerprint.h"
#include "model/generation.h"
#include "model/torch_util.h"
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
    p.shared = tok.encodePrompt(prompt.render(d.problem.question, tok));
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

/// One trajectory of a batching group: what its rounds have seen so far, and what it still lacks.
struct Member {
    AnalysisTarget target;
    int64_t k = 4;
    bool work = true;      ///< results to compute; false: replayed only, to keep the group's batches
    bool complete = false; ///< its selectors want nothing more
    int steps = 0;
    const Verifier* verifier = nullptr;
    PrefixTokens prefix;
    std::vector<StoredRollout> have;                         ///< the rollouts the rounds have seen
    std::map<std::pair<int, int64_t>, StoredRollout> replay; ///< drawn by this run before a stop
    std::map<int, int64_t> targets, raise;

    void load(AnalysisSink& sink, const Registry& registry, const model::Tokenizer& tok,
              const model::PromptFormat& prompt) {
        steps = static_cast<int>(target.detail.trajectory.steps.size());
        verifier = &registry.requireVerifier(target.detail.verifier);
        prefix = prefixTokens(tok, prompt, target.detail);
        RolloutsByRun stored = sink.rollouts(target.detail.id);
        have = std::move(stored.earlier);
        for (auto& r : stored.ofRun)
            replay.emplace(std::make_pair(r.stepIdx, r.sampleIdx), std::move(r));
        targets = sink.targets(target.detail.id);
    }
    int64_t targetOf(int h) const {
        const auto it = targets.find(h);
        return it == targets.end() ? k : it->second;
    }
    mc::TrajectoryValues values() const {
        return valuesFromRollouts(target.detail.id, steps, target.correct, have, targets, k);
    }
    /// Earlier rollouts within the targets: reused instead of drawn.
    int64_t reusable() const {
        int64_t n = 0;
        for (const auto& r : have)
            n += r.sampleIdx < targetOf(r.stepIdx) ? 1 : 0;
        return n;
    }
    /// The (prefix, index) pairs that the selectors (and refinement) want and the rounds have not seen.
    std::vector<std::pair<int, int64_t>> missing(const std::vector<const mc::Selector*>& selectors,
                                                 const mc::SelectorOptions& options) const {
        const mc::TrajectoryValues v = values();
        std::set<int> wanted;
        for (const mc::Selector* s : selectors)
            for (int h : s->wanted(v, options))
                if (h >= 0 && h < steps) wanted.insert(h);
        for (const auto& [h, t] : raise)
            if (!v.prefix[static_cast<size_t>(h)] || v.prefix[static_cast<size_t>(h)]->k < t)
                wanted.insert(h);
        std::vector<std::pair<int, int64_t>> out;
        for (int h : wanted) {
            std::set<int64_t> present;
            for (const auto& r : have)
                if (r.stepIdx == h) present.insert(r.sampleIdx);
            for (int64_t j = 0; j < targetOf(h); ++j)
                if (!present.count(j)) out.emplace_back(h, j);
        }
        return out;
    }
};

/// One rollout to draw: member, prefix, index.
struct Need {
    size_t member;
    int step;
    int64_t index;
};

/// Draws one batch (rows replayed from the store are not drawn again), grades and stores the new rows.
void drawBatch(model::Policy& policy, const model::SamplingParams& params, uint64_t seed,
               std::vector<Member>& group, const std::vector<std::vector<int32_t>>& shared,
               const std::vector<Need>& batch, AnalysisSink& sink, AnalysisResult& result) {
    std::vector<Need> draw;
    std::vector<model::GenerationRow> rows;
    for (const Need& n : batch) {
        Member& m = group[n.member];
        if (const auto it = m.replay.find({n.step, n.index}); it != m.replay.end()) {
            m.have.push_back(it->second);
            if (m.work) ++result.rolloutsReused;
            continue;
        }
        draw.push_back(n);
        rows.push_back({m.prefix.length[static_cast<size_t>(n.step)],
                        {},
                        rolloutSeed(seed, m.target.detail, n.step, n.index),
                        n.member});
    }
    if (draw.empty()) return;
    model::GenerationStats gs;
    const auto g0 = Clock::now();
    const auto out = model::generateForked(policy, shared, rows, params, &gs);
    result.generationSeconds += since(g0);
    result.newTokens += gs.newTokens;
    std::vector<StoredRollout> fresh;
    for (size_t i = 0; i < draw.size(); ++i) {
        const Member& m = group[draw[i].member];
        const TrajectoryDetail& d = m.target.detail;
        const model::Generated& g = out[i];
        const Verdict verdict = m.verifier->verify(m.prefix.text[static_cast<size_t>(draw[i].step)] + g.text,
                                                   d.problem.answer, d.problem.question);
        StoredRollout r;
        r.trajectoryId = d.id;
        r.stepIdx = draw[i].step;
        r.sampleIdx = draw[i].index;
        r.seed = rows[i].seed;
        r.text = g.text;
        if (verdict.parsed) r.answer = verdict.extracted;
        r.reward = verdict.correct ? 1.0 : 0.0;
        r.tokens = static_cast<int64_t>(g.tokens.size());
        r.finish = g.finish;
        fresh.push_back(std::move(r));
    }
    sink.add(fresh);
    result.rolloutsDrawn += static_cast<int64_t>(fresh.size());
    for (size_t i = 0; i < draw.size(); ++i)
        group[draw[i].member].have.push_back(std::move(fresh[i]));
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
    const auto groupSize = static_cast<size_t>(std::max<int64_t>(config.group, 1));
    const auto batchSize = static_cast<size_t>(std::max<int64_t>(config.batch, 1));

    AnalysisResult result;
    result.trajectories = static_cast<int64_t>(trajectories.size());
    const std::set<int64_t> finishedBefore = sink.finished();
    int64_t done = 0;
    auto stopRequested = [&] { return o.cancelled && o.cancelled(); };
    auto reportProgress = [&](int64_t id) {
        if (!o.progress) return;
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
                    {"eta_seconds", elapsed / static_cast<double>(std::max<int64_t>(result.analysed, 1)) *
                                        static_cast<double>(left)}});
    };

    for (size_t first = 0; first < trajectories.size() && !result.cancelled; first += groupSize) {
        if (stopRequested()) {
            result.cancelled = true;
            break;
        }
        // The group's members: those with work to do, and those finished before a stop, which are
        // replayed from their stored rollouts so that every batch holds the rows it held the first time.
        std::vector<Member> group;
        for (size_t i = first; i < std::min(trajectories.size(), first + groupSize); ++i) {
            const int64_t id = trajectories[i];
            const bool finished = finishedBefore.count(id) > 0;
            if (!finished && refining) { // refining takes only finished trajectories
                ++done;
                continue;
            }
            auto target = analysisTarget(project, registry, id);
            if (!target) {
                ++result.skipped;
                ++done;
                continue;
            }
            Member m;
            m.target = std::move(*target);
            m.k = config.k;
            m.work = refining || !finished;
            if (!m.work) {
                ++result.alreadyDone;
                ++done;
            }
            group.push_back(std::move(m));
        }
        if (std::none_of(group.begin(), group.end(), [](const Member& m) { return m.work; })) continue;
        std::vector<std::vector<int32_t>> shared;
        for (Member& m : group) {
            m.load(sink, registry, tok, prompt);
            if (refining) {
                const mc::TrajectoryValues now = m.values();
                const std::vector<int> where =
                    o.refineSteps.empty() ? mc::ambiguousPrefixes(now) : o.refineSteps;
                for (int h : where)
                    if (h >= 0 && h < m.steps) m.raise[h] = m.targets[h] = m.targetOf(h) + o.more;
                m.work = !m.raise.empty();
            }
            if (m.work) result.rolloutsReused += m.reusable();
            shared.push_back(m.prefix.shared);
        }

        // Rounds: every member's missing rollouts, drawn `batch` at a time; members whose selectors want
        // nothing more are finished between rounds.
        bool stopped = false;
        for (int round = 0; !stopped; ++round) {
            std::vector<Need> missing;
            for (size_t mi = 0; mi < group.size(); ++mi) {
                Member& m = group[mi];
                if (m.complete) continue;
                const auto needs = m.missing(selectors, config.selectorOptions);
                if (needs.empty()) {
                    m.complete = true;
                    if (m.work) {
                        sink.finish(m.target, m.raise);
                        ++result.analysed;
                        ++done;
                        reportProgress(m.target.detail.id);
                    }
                    continue;
                }
                if (round > m.steps + 2)
                    throw std::logic_error("analysis: selectors keep asking for rollouts");
                for (const auto& [h, j] : needs)
                    missing.push_back({mi, h, j});
            }
            if (missing.empty()) break;
            for (size_t start = 0; start < missing.size(); start += batchSize) {
                if (stopRequested()) {
                    stopped = true;
                    break;
                }
                const std::vector<Need> batch(missing.begin() + static_cast<std::ptrdiff_t>(start),
                                              missing.begin() + static_cast<std::ptrdiff_t>(std::min(
                                                                    missing.size(), start + batchSize)));
                drawBatch(policy, params, config.seed, group, shared, batch, sink, result);
            }
        }
        if (stopped) result.cancelled = true;
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
    if (runId) resumeRun(project, id);
    try {
        ProjectSink sink(project, registry, id, config);
        AnalysisResult r = analyze(project, registry, policy, prompt, config, selection, sink, options);
        r.runId = id;
        finishRun(project, id, r.cancelled ? "cancelled" : "done");
        return r;
    } catch (const std::exception& e) {
        finishRun(project, id, "failed", model::errorText(e));
        throw;
    }
}

} // namespace gpo::jobs
