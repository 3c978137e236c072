#include "jobs/eval_job.h"

#include "model/generation.h"
#include "model/torch_util.h"
#include "stats/pass_at_k.h"
#include "store/eval_samples.h"
#include "store/queries.h"
#include "store/runs.h"
#include "store/trajectory_writer.h"
#include "util/hash.h"

#include <algorithm>
#include <chrono>

namespace gpo::jobs {
namespace {

struct EvalProblem {
    int64_t id = 0;
    std::string question, answer, verifier;
    const Verifier* grader = nullptr; ///< the verifier named by `verifier`
    std::vector<int32_t> prompt;
    int64_t right = 0; ///< right answers among its samples
};

/// A sample's seed from the problem's content, not its row id: the same problem gets the same samples in
/// every project (the studio's demo project, which holds other datasets too, and `gpo demo`'s agree).
uint64_t sampleSeed(uint64_t seed, const EvalProblem& problem, int64_t sample) {
    const uint64_t content = first64(contentHash({problem.question, problem.answer}));
    uint64_t h = seed ^ 0x9E3779B97F4A7C15ull;
    h = (h ^ content) * 0xBF58476D1CE4E5B9ull;
    h = (h ^ static_cast<uint64_t>(sample)) * 0x94D049BB133111EBull;
    return h ^ (h >> 31);
}

} // namespace

nlohmann::json EvalResult::toJson() const {
    nlohmann::json at = nlohmann::json::object();
    for (const auto& [k, v] : passAtK)
        at[std::to_string(k)] = v;
    nlohmann::json j{
        {"run_id", runId},         {"problems", problems}, {"skipped_no_reference", skippedNoReference},
        {"samples", samples},      {"correct", correct},   {"trajectories_added", trajectoriesAdded},
        {"new_tokens", newTokens}, {"pass_at_1", passAt1}, {"pass_at", at},
        {"cancelled", cancelled},  {"seconds", seconds}};
    if (!passAtK.empty() && passAtK.rbegin()->first > 1) {
        j["k"] = passAtK.rbegin()->first;
        j["pass_at_k"] = passAtK.rbegin()->second;
    }
    return j;
}

EvalResult evaluatePolicy(Project& project, const Registry& registry, model::Policy& policy,
                          const EvalOptions& o) {
    if (o.samples < 1) throw std::invalid_argument("--samples must be at least 1");
    if (o.policyName.empty()) throw std::invalid_argument("the policy needs a name");
    const auto t0 = std::chrono::steady_clock::now();
    const model::Tokenizer& tok = policy.requireTokenizer();
    const model::PromptFormat prompt =
        o.prompt ? *o.prompt : model::PromptFormat::forCheckpoint(policy.dir(), tok);
    const Segmenter* segmenter = registry.segmenter(o.segmenter);
    if (!segmenter) throw std::invalid_argument("unknown segmenter '" + o.segmenter + "'");

    EvalResult result;
    std::vector<EvalProblem> problems;
    auto gradable = gradableProblems(project, o.dataset, o.limit, &result.skippedNoReference);
    gradable.erase(gradable.begin(),
                   gradable.begin() +
                       std::min<std::ptrdiff_t>(static_cast<std::ptrdiff_t>(gradable.size()),
                                                static_cast<std::ptrdiff_t>(std::max<int64_t>(0, o.skip))));
    for (auto& g : gradable)
        problems.push_back(
            {g.id, std::move(g.question), std::move(g.answer), std::move(g.verifier), nullptr, {}, 0});
    for (auto& p : problems) {
        p.grader = &registry.requireVerifier(p.verifier);
        p.prompt = tok.encodePrompt(prompt.render(p.question, tok));
    }
    model::SamplingParams params;
    params.temperature = o.temperature >= 0 ? o.temperature : (o.samples > 1 ? 1.0 : 0.0);
    params.topP = o.topP;
    params.topK = o.topK;
    params.maxNewTokens = o.maxNewTokens > 0 ? o.maxNewTokens : policy.maxNewTokens().value_or(512);

    const nlohmann::json config{{"policy", o.policyName},
                                {"policy_path", policy.dir()},
                                {"dataset", o.dataset},
                                {"samples", o.samples},
                                {"temperature", params.temperature},
                                {"top_p", params.topP},
                                {"top_k", params.topK},
                                {"max_new_tokens", params.maxNewTokens},
                                {"limit", o.limit},
                                {"skip", o.skip},
                                {"seed", o.seed},
                                {"segmenter", o.segmenter},
                                {"prompt", prompt.toJson()}};
    result.runId = beginRun(project, "eval", evalRunName(o.policyName, o.dataset), config);
    try {
        TrajectoryWriter writer(project.db());
        EvalSampleWriter sampleWriter(project.db());
        // Work items are (problem, sample) pairs, in problem order; a batch holds whole problems.
        const int64_t perBatch = std::max<int64_t>(1, o.batchSize / o.samples);
        for (size_t start = 0; start < problems.size(); start += static_cast<size_t>(perBatch)) {
            if (o.cancelled && o.cancelled()) {
                result.cancelled = true;
                break;
            }
            const size_t end = std::min(problems.size(), start + static_cast<size_t>(perBatch));
            std::vector<model::GenerationRow> rows;
            for (size_t i = start; i < end; ++i)
                for (int64_t s = 0; s < o.samples; ++s)
                    rows.push_back({0, problems[i].prompt, sampleSeed(o.seed, problems[i], s)});
            model::GenerationStats gs;
            const auto out = model::generate(policy, {}, rows, params, &gs);
            result.newTokens += gs.newTokens;

            sql::Transaction tx(project.db());
            for (size_t r = 0; r < out.size(); ++r) {
                EvalProblem& p = problems[start + r / static_cast<size_t>(o.samples)];
                const auto sample = static_cast<int64_t>(r % static_cast<size_t>(o.samples));
                Trajectory t;
                t.source = o.policyName;
                t.response = out[r].text;
                t.steps = segmenter->segment(t.response, {});
                const Verdict v = p.grader->verify(t.response, p.answer, p.question);
                if (v.correct) ++p.right, ++result.correct;
                ++result.samples;
                const auto stored = writer.store(p.id, t, &v, p.verifier);
                if (stored.added) ++result.trajectoriesAdded;
                sampleWriter.add(result.runId, p.id, sample, stored.id);
            }
            tx.commit();
            result.problems += static_cast<int64_t>(end - start);
            if (o.progress)
                o.progress({{"event", "progress"},
                            {"done", result.problems},
                            {"total", static_cast<int64_t>(problems.size())},
                            {"correct", result.correct},
                            {"samples", result.samples},
                            {"new_tokens", result.newTokens},
                            {"seconds",
                             std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count()}});
        }
        std::vector<int64_t> ks;
        for (int64_t k = 1; k <= o.samples; k *= 2)
            ks.push_back(k);
        if (ks.back() != o.samples) ks.push_back(o.samples);
        for (int64_t k : ks) {
            double sum = 0;
            for (size_t i = 0; i < static_cast<size_t>(result.problems); ++i)
                sum += stats::passAtK(o.samples, problems[i].right, k);
            result.passAtK[k] = result.problems ? sum / static_cast<double>(result.problems) : 0.0;
            recordMetric(project, result.runId, "pass_at_" + std::to_string(k), result.problems,
                         result.passAtK[k]);
        }
        result.passAt1 = result.passAtK[1];
        result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        finishRun(project, result.runId, result.cancelled ? "cancelled" : "done");
    } catch (const std::exception& e) {
        finishRun(project, result.runId, "failed", model::errorText(e));
        throw;
    }
    return result;
}

} // namespace gpo::jobs
