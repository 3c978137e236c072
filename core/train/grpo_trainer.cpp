#include "train/grpo_trainer.h"

#include "data/json_source.h"
#include "data/verifier.h"
#include "model/generation.h"
#include "model/policy.h"
#include "train/adamw.h"
#include "train/completion_scores.h"
#include "train/example_stream.h"
#include "train/group_advantages.h"
#include "train/policy_loss.h"
#include "train/preference_trainer.h" // scheduledLearningRate
#include "train/sft.h"

#include <c10/core/InferenceMode.h>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace gpo::train {
namespace fs = std::filesystem;
namespace {

double seconds(std::chrono::steady_clock::time_point since) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

/// The seed of completion `g` of prompt `position` of the stream at step `step`.
uint64_t completionSeed(uint64_t seed, int64_t step, int64_t position, int64_t g) {
    uint64_t h = seed ^ 0xD1B54A32D192ED03ull;
    for (const uint64_t v :
         {static_cast<uint64_t>(step), static_cast<uint64_t>(position), static_cast<uint64_t>(g)}) {
        h = (h ^ v) * 0x9E3779B97F4A7C15ull;
        h ^= h >> 29;
    }
    return h;
}

/// Keeps the samples of steps up to `step` (a resumed run writes the later ones again).
void truncateSamples(const fs::path& file, int64_t step) {
    if (!fs::exists(file)) return;
    std::ifstream in(file);
    std::ostringstream kept;
    for (std::string line; std::getline(in, line);) {
        const auto j = nlohmann::json::parse(line, nullptr, false);
        if (!j.is_discarded() && j.value("step", int64_t(0)) <= step) kept << line << '\n';
    }
    in.close();
    std::ofstream(file, std::ios::trunc) << kept.str();
}

} // namespace

OnlineTrainResult trainGrpo(model::Policy& policy, const std::vector<OnlinePrompt>& prompts,
                            const TrainConfig& c, const OnlineTrainOptions& o) {
    if (o.outDir.empty()) throw std::invalid_argument("training needs an output folder");
    if (prompts.empty()) throw std::invalid_argument("no prompt to train on");
    const auto t0 = std::chrono::steady_clock::now();
    const auto n = static_cast<int64_t>(prompts.size());
    const int64_t G = c.numGenerations;
    const int64_t promptsPerMicro = c.batchSize / G;
    const int64_t promptsPerStep = promptsPerMicro * c.gradientAccumulationSteps;
    const int64_t maxSteps =
        c.maxSteps > 0
            ? c.maxSteps
            : std::max<int64_t>(1, static_cast<int64_t>(std::ceil(static_cast<double>(n) * c.numTrainEpochs /
                                                                  static_cast<double>(promptsPerStep))));
    OnlineTrainResult result;
    result.maxSteps = maxSteps;
    result.prompts = n;

    std::unique_ptr<model::Policy> reference;
    if (c.beta > 0) {
        if (!o.loadReference) throw std::invalid_argument("beta > 0 needs a reference policy");
        reference = o.loadReference();
    }
    std::vector<at::Tensor> params = policy.model().parameters();
    for (auto& p : params)
        p.requires_grad_(true);
    AdamW optimizer(params, {c.adamBeta1, c.adamBeta2, c.adamEpsilon, c.weightDecay});
    fs::create_directories(o.outDir);
    const fs::path checkpoint = fs::path(o.outDir) / "checkpoint";
    const fs::path samplesFile = fs::path(o.outDir) / "samples.jsonl";
    int64_t start = 0, numTokens = 0;
    nlohmann::json interval = nlohmann::json::object();
    if (o.resume) {
        if (!fs::exists(checkpoint / "trainer_state.json"))
            throw std::invalid_argument(o.outDir + ": no checkpoint to resume from");
        const auto state = readJsonDocument((checkpoint / "trainer_state.json").string());
        start = state.value("global_step", int64_t(0));
        numTokens = state.value("num_tokens", int64_t(0));
        interval = state.value("interval", nlohmann::json::object());
        optimizer.load((checkpoint / "optimizer.safetensors").string());
    }
    truncateSamples(samplesFile, start);
    std::ofstream samples(samplesFile, std::ios::app);
    auto save = [&](const fs::path& dir, int64_t step) {
        writeCheckpoint(policy, dir.string(), [&](const std::string& staging) {
            optimizer.save(staging + "/optimizer.safetensors");
            std::ofstream(staging + "/trainer_state.json") << nlohmann::json{{"global_step", step},
                                                                             {"max_steps", maxSteps},
                                                                             {"num_tokens", numTokens},
                                                                             {"interval", interval},
                                                                             {"config", c.toJson()}}
                                                                  .dump(2)
                                                           << "\n";
        });
    };
    auto add = [&](const std::string& key, double v) {
        if (!std::isfinite(v)) return;
        for (const char* part : {"sum", "count"})
            if (!interval[part].is_object()) interval[part] = nlohmann::json::object();
        interval["sum"][key] = interval["sum"].value(key, 0.0) + v;
        interval["count"][key] = interval["count"].value(key, int64_t(0)) + 1;
    };

    ExampleStream stream(c.seed, n);
    model::SamplingParams sampling;
    sampling.temperature = c.temperature;
    sampling.topP = c.topP;
    sampling.topK = c.topK;
    sampling.maxNewTokens = c.maxCompletionLength;
    PolicyLossOptions lossOptions;
    lossOptions.epsilonLow = c.epsilon;
    lossOptions.epsilonHigh = c.epsilonHigh >= 0 ? c.epsilonHigh : c.epsilon;
    lossOptions.beta = c.beta;
    lossOptions.aggregation = tokenAggregation(c.lossType);
    lossOptions.maxCompletionLength = c.maxCompletionLength;

    int64_t step = start;
    for (; step < maxSteps; ++step) {
        optimizer.zeroGrad();
        double generationSeconds = 0, learningSeconds = 0;
        std::map<std::string, double> stepMetrics;
        for (int64_t micro = 0; micro < c.gradientAccumulationSteps; ++micro) {
            // Sample G completions of each prompt, with seeds fixed by (seed, step, position, index).
            const auto genStart = std::chrono::steady_clock::now();
            std::vector<int64_t> ids;
            std::vector<model::GenerationRow> rows;
            for (int64_t i = 0; i < promptsPerMicro; ++i) {
                const int64_t position = (step * c.gradientAccumulationSteps + micro) * promptsPerMicro + i;
                const int64_t id = stream.at(position);
                ids.push_back(id);
                for (int64_t g = 0; g < G; ++g)
                    rows.push_back({0, prompts[static_cast<size_t>(id)].tokens,
                                    completionSeed(c.seed, step, position, g)});
            }
            std::vector<model::Generated> out;
            {
                c10::InferenceMode inference;
                out = model::generate(policy, {}, rows, sampling);
            }
            std::vector<double> rewards;
            std::vector<EncodedCompletion> batch;
            int64_t clipped = 0, completionTokens = 0;
            for (size_t r = 0; r < out.size(); ++r) {
                const OnlinePrompt& p = prompts[static_cast<size_t>(ids[r / static_cast<size_t>(G)])];
                const std::string text = out[r].text;
                rewards.push_back(p.verifier && p.verifier->verify(text, p.answer).correct ? 1.0 : 0.0);
                EncodedCompletion e;
                e.tokens = p.tokens;
                e.promptTokens = static_cast<int64_t>(p.tokens.size());
                e.tokens.insert(e.tokens.end(), out[r].tokens.begin(), out[r].tokens.end());
                if (e.completionTokens() == 0 && !policy.eosIds().empty())
                    e.tokens.push_back(policy.eosIds().front());
                clipped += out[r].finish == "length" ? 1 : 0;
                completionTokens += e.completionTokens();
                numTokens += static_cast<int64_t>(e.tokens.size());
                batch.push_back(std::move(e));
            }
            generationSeconds += seconds(genStart);
            const GroupAdvantages adv =
                groupAdvantages(rewards, static_cast<int>(G), advantageScale(c.scaleRewards));

            // One clipped policy-gradient step on them (num_iterations 1: old = current, detached).
            const auto learnStart = std::chrono::steady_clock::now();
            const CompletionLogprobs lp = completionLogprobs(policy.model(), batch);
            const at::Tensor logps = lp.perToken.to(at::kDouble);
            at::Tensor refLogps;
            if (reference) {
                c10::InferenceMode inference;
                refLogps = completionLogprobs(reference->model(), batch).perToken.to(at::kDouble).clone();
            }
            const at::Tensor advantages = at::tensor(adv.advantages, at::kDouble);
            lossOptions.dapoTokens = static_cast<double>(completionTokens);
            const PolicyLoss loss =
                policyLoss(logps, logps.detach(), refLogps, advantages, lp.mask, lossOptions);
            (loss.loss / static_cast<double>(c.gradientAccumulationSteps)).backward();
            learningSeconds += seconds(learnStart);

            const double share = 1.0 / static_cast<double>(c.gradientAccumulationSteps);
            const std::map<std::string, double> m = {
                {"loss", loss.loss.item<double>()},
                {"reward", adv.rewardMean},
                {"reward_std", adv.rewardStd},
                {"frac_reward_zero_std", adv.fracZeroStd},
                {"completions/mean_length",
                 static_cast<double>(completionTokens) / static_cast<double>(batch.size())},
                {"completions/clipped_ratio",
                 static_cast<double>(clipped) / static_cast<double>(batch.size())},
                {"clip_ratio/region_mean", loss.clipRegion.item<double>()},
                {"kl", reference ? loss.klMean.item<double>() : std::nan("")}};
            for (const auto& [key, v] : m)
                stepMetrics[key] += v * share;
            for (size_t r = 0; r < out.size(); ++r)
                samples << nlohmann::json{{"step", step + 1},
                                          {"problem_id",
                                           prompts[static_cast<size_t>(ids[r / static_cast<size_t>(G)])]
                                               .problemId},
                                          {"index", static_cast<int64_t>(r % static_cast<size_t>(G))},
                                          {"completion", out[r].text},
                                          {"finish", out[r].finish},
                                          {"reward", rewards[r]},
                                          {"advantage", adv.advantages[r]}}
                               .dump()
                        << '\n';
        }
        samples.flush();
        const auto optimStart = std::chrono::steady_clock::now();
        const double gradNorm = optimizer.clipGradNorm(c.maxGradNorm);
        const double lr = scheduledLearningRate(c, step, maxSteps);
        optimizer.step(lr);
        learningSeconds += seconds(optimStart);
        for (const auto& [key, v] : stepMetrics)
            add(key, v);
        add("grad_norm", gradNorm);
        add("learning_rate", lr);
        add("generation_s", generationSeconds);
        add("learning_s", learningSeconds);
        const bool last = step + 1 == maxSteps;
        if ((step + 1) % c.loggingSteps == 0 || last) {
            nlohmann::json j{
                {"step", step + 1},
                {"max_steps", maxSteps},
                {"num_tokens", numTokens},
                {"epoch", static_cast<double>((step + 1) * promptsPerStep) / static_cast<double>(n)}};
            for (const auto& [key, s] : interval["sum"].items())
                j[key] = s.get<double>() / interval["count"][key].get<double>();
            result.last = j;
            if (o.metrics) o.metrics(j);
            interval = nlohmann::json::object();
        }
        const bool stop = !last && o.cancelled && o.cancelled();
        if (stop || ((step + 1) % c.saveSteps == 0 && !last)) save(checkpoint, step + 1);
        if (stop) {
            result.cancelled = true;
            ++step;
            break;
        }
    }
    if (!result.cancelled) {
        save(checkpoint, maxSteps);
        writeCheckpoint(policy, (fs::path(o.outDir) / "final").string(), {});
    }
    for (auto& p : params)
        p.requires_grad_(false);
    result.steps = step;
    result.seconds = seconds(t0);
    return result;
}

} // namespace gpo::train
