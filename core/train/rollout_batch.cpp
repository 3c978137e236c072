#include "train/rollout_batch.h"

#include "model/generation.h"
#include "model/policy.h"
#include "train/grpo_trainer.h" // completionSeed

#include <c10/core/InferenceMode.h>
#include <chrono>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <ostream>

namespace gpo::train {
namespace {

double since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

} // namespace

std::vector<EncodedCompletion> RolloutBatch::encoded(int32_t eos) const {
    std::vector<EncodedCompletion> out;
    out.reserve(samples.size());
    for (const RolloutSample& s : samples) {
        EncodedCompletion e;
        e.tokens = prompts[s.group]->tokens;
        e.promptTokens = static_cast<int64_t>(e.tokens.size());
        e.tokens.insert(e.tokens.end(), s.completion.begin(), s.completion.end());
        if (e.completionTokens() == 0 && eos >= 0) e.tokens.push_back(eos);
        out.push_back(std::move(e));
    }
    return out;
}

int64_t RolloutBatch::completionTokens(int32_t eos) const {
    int64_t n = 0;
    for (const RolloutSample& s : samples)
        n += std::max<int64_t>(static_cast<int64_t>(s.completion.size()), eos >= 0 ? 1 : 0);
    return n;
}

RolloutBatch drawRollouts(model::Policy& policy, const std::vector<OnlinePrompt>& prompts,
                          const std::vector<int64_t>& ids, const std::vector<int64_t>& positions,
                          int64_t perPrompt, int64_t step, const TrainConfig& c,
                          const mc::Selector* gpoSelector) {
    model::SamplingParams sampling;
    sampling.temperature = c.temperature;
    sampling.topP = c.topP;
    sampling.topK = c.topK;
    sampling.maxNewTokens = c.maxCompletionLength;

    RolloutBatch b;
    const auto t0 = std::chrono::steady_clock::now();
    std::vector<model::GenerationRow> rows;
    for (size_t i = 0; i < ids.size(); ++i) {
        b.prompts.push_back(&prompts[static_cast<size_t>(ids[i])]);
        for (int64_t g = 0; g < perPrompt; ++g)
            rows.push_back({0, b.prompts.back()->tokens, completionSeed(c.seed, step, positions[i], g)});
    }
    std::vector<model::Generated> out;
    {
        c10::InferenceMode inference;
        out = model::generate(policy, {}, rows, sampling);
    }
    b.generationSeconds = since(t0);
    std::vector<std::vector<RolloutSample>> groups(ids.size());
    for (size_t r = 0; r < out.size(); ++r) {
        RolloutSample s;
        s.group = r / static_cast<size_t>(perPrompt);
        s.index = static_cast<int64_t>(r % static_cast<size_t>(perPrompt));
        s.reward = gradeCompletion(*b.prompts[s.group], out[r].text);
        s.completion = std::move(out[r].tokens);
        s.text = std::move(out[r].text);
        s.finish = std::move(out[r].finish);
        b.sampledTokens += static_cast<int64_t>(s.completion.size());
        b.clipped += s.finish == "length" ? 1 : 0;
        groups[s.group].push_back(std::move(s));
    }

    if (gpoSelector && c.gpo) {
        const auto r0 = std::chrono::steady_clock::now();
        std::vector<ResetCandidate> candidates;
        std::vector<std::pair<size_t, int64_t>> of; // (group, index) of each candidate
        for (size_t gi = 0; gi < groups.size(); ++gi) {
            int64_t taken = 0;
            for (const RolloutSample& s : groups[gi]) {
                if (s.reward > 0 || taken >= c.gpoOnline.resetsPerGroup) continue;
                // A key of its own: the reset's rollouts never repeat the sample's seed stream.
                const uint64_t key =
                    completionSeed(c.seed ^ 0x6770'6F72'6573'6574ull, step, positions[gi], s.index);
                candidates.push_back({b.prompts[gi], s.completion, key});
                of.emplace_back(gi, s.index);
                ++taken;
            }
        }
        b.resets = resetAtCriticalSteps(policy, candidates, *gpoSelector, c.gpoOnline, sampling, c.seed);
        b.sampledTokens += b.resets.sampledTokens;
        for (const ResetSample& r : b.resets.samples) {
            const auto [gi, index] = of[r.candidate];
            RolloutSample s;
            s.group = gi;
            s.index = static_cast<int64_t>(groups[gi].size());
            s.completion = r.completion;
            s.text = r.text;
            s.finish = r.finish;
            s.reward = r.reward;
            s.reset = r;
            s.reset->candidate = static_cast<size_t>(index);
            b.clipped += s.finish == "length" ? 1 : 0;
            groups[gi].push_back(std::move(s));
        }
        b.resetSeconds = since(r0);
    }
    for (auto& g : groups) {
        b.groupSizes.push_back(g.size());
        for (auto& s : g)
            b.samples.push_back(std::move(s));
    }
    return b;
}

std::map<std::string, double> rolloutMetrics(const RolloutBatch& b, int32_t eos) {
    const auto n = static_cast<double>(b.samples.size());
    std::map<std::string, double> m = {
        {"completions/mean_length", static_cast<double>(b.completionTokens(eos)) / n},
        {"completions/clipped_ratio", static_cast<double>(b.clipped) / n},
        {"generation_s", b.generationSeconds}};
    if (b.resets.candidates > 0 || b.resetSeconds > 0) {
        double success = 0, position = 0;
        for (const ResetSample& r : b.resets.samples) {
            success += r.reward;
            position += static_cast<double>(r.criticalStep) / static_cast<double>(std::max(1, r.steps));
        }
        const auto resets = static_cast<double>(b.resets.samples.size());
        m["gpo/candidates"] = static_cast<double>(b.resets.candidates);
        m["gpo/resets"] = resets;
        m["gpo/no_pick"] = static_cast<double>(b.resets.noPick);
        m["gpo/rollouts"] = static_cast<double>(b.resets.rollouts);
        m["gpo/reset_success"] = resets > 0 ? success / resets : std::nan("");
        m["gpo/critical_position"] = resets > 0 ? position / resets : std::nan("");
        m["gpo/reset_s"] = b.resetSeconds;
    }
    return m;
}

void appendSamples(std::ostream& out, int64_t step, const RolloutBatch& b,
                   const std::vector<double>& advantages) {
    for (size_t i = 0; i < b.samples.size(); ++i) {
        const RolloutSample& s = b.samples[i];
        nlohmann::json j{{"step", step},       {"problem_id", b.prompts[s.group]->problemId},
                         {"index", s.index},   {"completion", s.text},
                         {"finish", s.finish}, {"reward", s.reward}};
        if (i < advantages.size() && std::isfinite(advantages[i])) j["advantage"] = advantages[i];
        if (s.reset)
            j["reset"] = {{"of", static_cast<int64_t>(s.reset->candidate)},
                          {"critical_step", s.reset->criticalStep + 1},
                          {"steps", s.reset->steps}};
        out << j.dump() << '\n';
    }
}

} // namespace gpo::train
