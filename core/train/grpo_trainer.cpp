#include "train/grpo_trainer.h"

#include "model/policy.h"
#include "train/example_stream.h"
#include "train/grpo_step.h"
#include "train/process_group.h"
#include "train/rollout_batch.h"

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace gpo::train {
namespace fs = std::filesystem;

uint64_t completionSeed(uint64_t seed, int64_t step, int64_t position, int64_t g) {
    uint64_t h = seed ^ 0xD1B54A32D192ED03ull;
    for (const uint64_t v :
         {static_cast<uint64_t>(step), static_cast<uint64_t>(position), static_cast<uint64_t>(g)}) {
        h = (h ^ v) * 0x9E3779B97F4A7C15ull;
        h ^= h >> 29;
    }
    return h;
}

void truncateSamples(const std::string& file, int64_t step) {
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

TrainResult trainGrpo(model::Policy& policy, const std::vector<OnlinePrompt>& prompts, const TrainConfig& c,
                      const OnlineTrainOptions& o) {
    if (o.outDir.empty()) throw std::invalid_argument("training needs an output folder");
    if (prompts.empty()) throw std::invalid_argument("no prompt to train on");
    if (c.gpo && !o.gpoSelector) throw std::invalid_argument("GPO needs a critical-step selector");
    const auto t0 = std::chrono::steady_clock::now();
    const auto n = static_cast<int64_t>(prompts.size());
    const int64_t G = c.numGenerations;
    const int64_t promptsPerMicro = c.batchSize / G;
    // Data-parallel: rank r of W samples slice r of every global batch of prompts.
    const int64_t rank = o.group ? o.group->rank() : 0, world = o.group ? o.group->world() : 1;
    const int64_t promptsPerStep = promptsPerMicro * c.gradientAccumulationSteps * world;
    const int64_t maxSteps = plannedSteps(c, n, promptsPerStep);
    const int32_t eos = policy.eosIds().empty() ? -1 : policy.eosIds().front();

    std::unique_ptr<model::Policy> reference;
    if (c.beta > 0) {
        if (!o.loadReference) throw std::invalid_argument("beta > 0 needs a reference policy");
        reference = o.loadReference();
    }
    TrainLoop loop(policy, c, o, maxSteps, policy.model().trainableParameters(), n, promptsPerStep);
    const std::string samplesFile =
        (fs::path(o.outDir) /
         (rank == 0 ? "samples.jsonl" : "samples-rank" + std::to_string(rank) + ".jsonl"))
            .string();
    truncateSamples(samplesFile, loop.startStep());
    std::ofstream samples(samplesFile, std::ios::app);

    ExampleStream stream(c.seed, n, c.trainSamplingStrategy != "sequential");
    const TrainLoopResult run = loop.run([&](int64_t step, const ApplyGradients& apply) {
        StepReport report;
        const double share = 1.0 / static_cast<double>(c.gradientAccumulationSteps);
        double learningSeconds = 0;
        for (int64_t micro = 0; micro < c.gradientAccumulationSteps; ++micro) {
            // Sample G completions of each prompt, with seeds fixed by (seed, step, position, index).
            std::vector<int64_t> ids, positions;
            for (int64_t i = 0; i < promptsPerMicro; ++i) {
                positions.push_back(
                    ((step * c.gradientAccumulationSteps + micro) * world + rank) * promptsPerMicro + i);
                ids.push_back(stream.at(positions.back()));
            }
            const RolloutBatch batch =
                drawRollouts(policy, prompts, ids, positions, G, step, c, o.gpoSelector);
            std::vector<double> rewards;
            for (const auto& s : batch.samples)
                rewards.push_back(s.reward);
            const std::vector<EncodedCompletion> encoded = batch.encoded(eos);
            for (const auto& e : encoded)
                report.tokens += static_cast<int64_t>(e.tokens.size());
            report.sampledTokens += batch.sampledTokens;

            const auto learnStart = std::chrono::steady_clock::now();
            const GrpoStep learned =
                grpoStep(policy.model(), reference ? &reference->model() : nullptr, encoded, rewards,
                         batch.groupSizes, static_cast<double>(batch.completionTokens(eos)), c, share);
            learningSeconds +=
                std::chrono::duration<double>(std::chrono::steady_clock::now() - learnStart).count();
            const GroupAdvantages& adv = learned.advantages;

            std::map<std::string, double> m = rolloutMetrics(batch, eos);
            m.insert(learned.metrics.begin(), learned.metrics.end());
            for (const auto& [key, v] : m)
                report.metrics[key] += v * share;
            appendSamples(samples, step + 1, batch, adv.advantages);
        }
        samples.flush();
        const auto optimStart = std::chrono::steady_clock::now();
        apply();
        learningSeconds +=
            std::chrono::duration<double>(std::chrono::steady_clock::now() - optimStart).count();
        report.metrics["learning_s"] = learningSeconds;
        // Summed over micro-batches, not averaged: the time the step spent.
        report.metrics["generation_s"] /= share;
        if (report.metrics.count("gpo/reset_s")) report.metrics["gpo/reset_s"] /= share;
        return report;
    });

    TrainResult result;
    result.examples = n;
    result.take(run, t0);
    return result;
}

} // namespace gpo::train
