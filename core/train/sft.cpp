#include "train/sft.h"

#include "data/json_source.h"
#include "model/logprobs.h"
#include "model/policy.h"
#include "train/adamw.h"
#include "util/input_error.h"

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

namespace gpo::train {
namespace fs = std::filesystem;

double learningRate(const SftOptions& o, int64_t step) {
    if (step < o.warmup) return o.lr * static_cast<double>(step + 1) / static_cast<double>(o.warmup);
    const double progress =
        static_cast<double>(step - o.warmup) / static_cast<double>(std::max<int64_t>(1, o.steps - o.warmup));
    return o.minLr + 0.5 * (o.lr - o.minLr) * (1 + std::cos(M_PI * std::min(1.0, progress)));
}

void writeCheckpoint(const model::Policy& policy, const std::string& dir,
                     const std::function<void(const std::string&)>& extra) {
    writeCheckpoint([&policy](const std::string& staging) { policy.save(staging); }, dir, extra);
}

void writeCheckpoint(const std::function<void(const std::string&)>& weights, const std::string& dir,
                     const std::function<void(const std::string&)>& extra) {
    const fs::path target(dir);
    const fs::path staging = target.string() + ".partial", old = target.string() + ".old";
    fs::remove_all(staging);
    fs::create_directories(staging);
    weights(staging.string());
    if (extra) extra(staging.string());
    fs::remove_all(old);
    if (fs::exists(target)) fs::rename(target, old);
    fs::rename(staging, target);
    fs::remove_all(old);
}

namespace {

/// Mean next-token loss over completion tokens, and how many tokens it covered.
std::pair<at::Tensor, int64_t> completionLoss(model::Transformer& model,
                                              const std::vector<SftExample>& batch) {
    std::vector<std::vector<int32_t>> seqs;
    for (const auto& e : batch)
        seqs.push_back(e.tokens);
    const model::TokenLogprobs lp = model::tokenLogprobs(model, seqs);
    // Entry i predicts token i+1: count it when token i+1 belongs to the completion.
    const int64_t width = lp.mask.size(1);
    std::vector<int64_t> firsts;
    for (const auto& e : batch)
        firsts.push_back(std::max<int64_t>(e.promptTokens - 1, 0));
    const at::Tensor first = at::tensor(firsts, at::kLong).unsqueeze(1).to(lp.mask.device());
    const at::Tensor mask = lp.mask & at::arange(width, first.options()).unsqueeze(0).ge(first);
    const int64_t n = mask.sum().item<int64_t>();
    return {-(lp.values * mask.to(lp.values.scalar_type())).sum() /
                static_cast<double>(std::max<int64_t>(n, 1)),
            n};
}

} // namespace

SftResult runSft(model::Policy& policy, const ExampleSource& source, const SftOptions& o,
                 const MetricsSink& metrics) {
    if (o.outDir.empty()) throw std::invalid_argument("SFT needs an output folder");
    std::vector<at::Tensor> params = policy.model().parameters();
    for (auto& p : params)
        p.requires_grad_(true);
    AdamW optimizer(params, {0.9, 0.95, 1e-8, o.weightDecay});
    int64_t start = 0;
    const fs::path out(o.outDir);
    if (o.resume && fs::exists(out / "trainer_state.json")) {
        const auto state = readJsonDocument((out / "trainer_state.json").string());
        start = state.value("step", int64_t(0));
        optimizer.load((out / "optimizer.safetensors").string());
    }
    auto save = [&](int64_t step) {
        writeCheckpoint(policy, o.outDir, [&](const std::string& dir) {
            optimizer.save(dir + "/optimizer.safetensors");
            std::ofstream(dir + "/trainer_state.json")
                << nlohmann::json{{"step", step}, {"steps", o.steps}}.dump(2) << "\n";
        });
    };

    const auto t0 = std::chrono::steady_clock::now();
    auto lastLog = t0;
    double lossSum = 0;
    int64_t lossCount = 0, tokens = 0;
    SftResult result;
    for (int64_t step = start; step < o.steps; ++step) {
        optimizer.zeroGrad();
        double stepLoss = 0;
        for (int64_t micro = 0; micro < o.accumulation; ++micro) {
            std::vector<SftExample> batch;
            for (int64_t i = 0; i < o.batchSize; ++i)
                batch.push_back(source((step * o.accumulation + micro) * o.batchSize + i));
            auto [loss, n] = completionLoss(policy.model(), batch);
            (loss / static_cast<double>(o.accumulation)).backward();
            stepLoss += loss.item<double>() / static_cast<double>(o.accumulation);
            tokens += n;
        }
        const double norm = optimizer.clipGradNorm(o.clip);
        const double lr = learningRate(o, step);
        optimizer.step(lr);
        lossSum += stepLoss;
        ++lossCount;
        if ((step + 1) % o.logEvery == 0 || step + 1 == o.steps) {
            const auto now = std::chrono::steady_clock::now();
            const double dt = std::chrono::duration<double>(now - lastLog).count();
            result.loss = lossSum / static_cast<double>(lossCount);
            if (metrics)
                metrics({{"event", "train"},
                         {"step", step + 1},
                         {"steps", o.steps},
                         {"loss", result.loss},
                         {"lr", lr},
                         {"grad_norm", norm},
                         {"tokens_per_s", static_cast<double>(tokens) / dt},
                         {"elapsed_s", std::chrono::duration<double>(now - t0).count()}});
            lossSum = 0;
            lossCount = 0;
            tokens = 0;
            lastLog = now;
        }
        if ((step + 1) % o.checkpointEvery == 0 && step + 1 < o.steps) save(step + 1);
    }
    save(o.steps);
    for (auto& p : params)
        p.requires_grad_(false);
    result.steps = o.steps;
    result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return result;
}

} // namespace gpo::train
