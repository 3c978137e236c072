// gpo bench train: the speed of a DPO optimizer step (one forward over [chosen…, rejected…], the loss,
// the backward pass, clipping and AdamW, as gpo train runs them) on a random Qwen2-style model, as
// tokens/s and model-FLOP utilisation: 6 · parameters · tokens/s over this machine's measured matmul peak;
// and a GRPO step on the same model split into its generation (G completions of each prompt) and its
// learning (the log-probs, the clipped loss, the backward pass and AdamW).
#include "cli_common.h"
#include "model/autocast.h"
#include "model/flops.h"
#include "model/generation.h"
#include "model/initialize.h"
#include "model/policy.h"
#include "model/torch_util.h"
#include "train/adamw.h"
#include "train/completion_scores.h"
#include "train/dpo_loss.h"
#include "train/group_advantages.h"
#include "train/policy_loss.h"

#include <ATen/Parallel.h>
#include <chrono>
#include <iostream>
#include <random>

namespace gpo::cli {

void addBenchTrain(CLI::App& bench, Context&, int& rc) {
    struct Args {
        model::SmallModelShape shape;
        int64_t pairs = 8, prompt = 128, completion = 128, steps = 4;
        int64_t grpoPrompts = 4, grpoGenerations = 8, grpoCompletion = 128;
        std::string device = "cpu";
        int threads = 0;
        bool json = false, bf16 = false;
    };
    auto a = std::make_shared<Args>();
    auto* cmd = bench.add_subcommand("train", "A DPO step's tokens/s and MFU, and a GRPO step's "
                                              "generation/learning split, on a ~20M-parameter model");
    cmd->add_option("--pairs", a->pairs, "Pairs per step")->check(CLI::PositiveNumber)->capture_default_str();
    cmd->add_option("--prompt", a->prompt, "Prompt tokens per pair")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cmd->add_option("--completion", a->completion, "Tokens per completion")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cmd->add_option("--steps", a->steps, "Timed steps (after one warm-up)")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cmd->add_option("--grpo-prompts", a->grpoPrompts, "GRPO: prompts per step (0: no GRPO step)")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str();
    cmd->add_option("--grpo-generations", a->grpoGenerations, "GRPO: completions per prompt (G)")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cmd->add_option("--grpo-completion", a->grpoCompletion, "GRPO: tokens per completion")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cmd->add_option("--hidden", a->shape.hidden, "Model width")->capture_default_str();
    cmd->add_option("--layers", a->shape.layers, "Layers")->capture_default_str();
    cmd->add_option("--vocab", a->shape.vocab, "Vocabulary")->capture_default_str();
    cmd->add_option("--device", a->device, "cpu, cuda, cuda:N")->capture_default_str();
    cmd->add_option("--threads", a->threads, "CPU threads (0: one per core)");
    cmd->add_flag("--bf16", a->bf16, "bfloat16 autocast, as a run with \"bf16\": true");
    cmd->add_flag("--json", a->json, "Print the result as JSON (last line)");
    cmd->callback([a, &rc] {
        rc = runCommand(a->json, [&] {
            model::setCpuThreads(a->threads);
            a->shape.intermediate = a->shape.hidden * 11 / 4;
            a->shape.heads = std::max<int64_t>(1, a->shape.hidden / 64);
            a->shape.kvHeads = a->shape.heads % 2 == 0 ? a->shape.heads / 2 : a->shape.heads;
            const model::ModelConfig config = model::smallModelConfig(a->shape);
            const at::Device device = model::parseDevice(a->device);
            auto policy = model::Policy::fromWeights(
                config,
                model::initialWeights(config, 1, at::TensorOptions().dtype(at::kFloat).device(device)));
            const double peak =
                model::measureMatmulPeakGflops(device, at::kFloat, device.is_cpu() ? 2048 : 8192);
            std::mt19937_64 rng(11);
            auto ids = [&](int64_t n) {
                std::vector<int32_t> out(static_cast<size_t>(n));
                for (auto& id : out)
                    id = static_cast<int32_t>(rng() % static_cast<uint64_t>(config.vocabSize));
                return out;
            };
            std::vector<train::EncodedCompletion> batch;
            for (int side = 0; side < 2; ++side)
                for (int64_t i = 0; i < a->pairs; ++i) {
                    train::EncodedCompletion e;
                    e.tokens = ids(a->prompt + a->completion);
                    e.promptTokens = a->prompt;
                    batch.push_back(std::move(e));
                }
            std::vector<at::Tensor> params = policy->model().parameters();
            for (auto& p : params)
                p.requires_grad_(true);
            train::AdamW optimizer(params, {0.9, 0.999, 1e-8, 0.0});
            const at::Tensor refChosen = at::zeros({a->pairs}, at::kDouble);
            const at::Tensor refRejected = at::zeros({a->pairs}, at::kDouble);
            auto step = [&] {
                const model::Autocast autocast(device, a->bf16);
                optimizer.zeroGrad();
                const train::CompletionLogprobs lp = train::completionLogprobs(policy->model(), batch);
                auto slice = [&](int64_t from) {
                    return train::SequenceScores{
                        lp.scores.logps.narrow(0, from, a->pairs).to(at::kCPU).to(at::kDouble),
                        lp.scores.tokens.narrow(0, from, a->pairs).to(at::kCPU).to(at::kDouble)};
                };
                const train::PreferenceLoss loss =
                    train::dpoLoss(slice(0), slice(a->pairs), refChosen, refRejected, {});
                loss.loss.backward();
                optimizer.clipGradNorm(1.0);
                optimizer.step(1e-6);
                return loss.loss.item<double>();
            };
            step(); // warm-up
            const auto t0 = std::chrono::steady_clock::now();
            for (int64_t s = 0; s < a->steps; ++s)
                step();
            const double seconds =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            const double tokens = static_cast<double>(2 * a->pairs * (a->prompt + a->completion) * a->steps);
            const double tps = tokens / seconds;
            const auto parameters = static_cast<double>(config.parameterCount());
            const double mfu = 6.0 * parameters * tps / (peak * 1e9);
            std::cerr << "DPO step: " << parameters / 1e6 << " M parameters on " << device.str() << ", "
                      << 2 * a->pairs << " sequences of " << a->prompt + a->completion
                      << " tokens: " << seconds / static_cast<double>(a->steps) << " s a step, " << tps
                      << " tokens/s, MFU " << mfu << " (matmul peak " << peak << " GFLOP/s)\n";
            // GRPO: sample G completions of each prompt (exactly grpo-completion tokens: EOS does not stop
            // them, so every run does the same work), then learn from them with random 0/1 rewards.
            nlohmann::json grpo = nullptr;
            if (a->grpoPrompts > 0) {
                model::SamplingParams sampling;
                sampling.maxNewTokens = a->grpoCompletion;
                sampling.stopAtEos = false;
                std::vector<std::vector<int32_t>> prompts;
                for (int64_t i = 0; i < a->grpoPrompts; ++i)
                    prompts.push_back(ids(a->prompt));
                double generation = 0, learning = 0;
                int64_t sampled = 0;
                auto grpoStep = [&](bool timed) {
                    const model::Autocast autocast(device, a->bf16); // generation suspends it
                    const auto g0 = std::chrono::steady_clock::now();
                    std::vector<model::GenerationRow> rows;
                    for (size_t i = 0; i < prompts.size(); ++i)
                        for (int64_t g = 0; g < a->grpoGenerations; ++g)
                            rows.push_back(
                                {0, prompts[i], static_cast<uint64_t>(i * 1000 + static_cast<size_t>(g))});
                    const auto out = model::generate(*policy, {}, rows, sampling);
                    const auto g1 = std::chrono::steady_clock::now();
                    std::vector<train::EncodedCompletion> encoded;
                    std::vector<double> rewards;
                    for (size_t r = 0; r < out.size(); ++r) {
                        train::EncodedCompletion e;
                        e.tokens = rows[r].prompt;
                        e.promptTokens = static_cast<int64_t>(e.tokens.size());
                        e.tokens.insert(e.tokens.end(), out[r].tokens.begin(), out[r].tokens.end());
                        if (timed) sampled += e.completionTokens();
                        encoded.push_back(std::move(e));
                        rewards.push_back(static_cast<double>(rng() % 2));
                    }
                    const auto adv = train::groupAdvantages(rewards, static_cast<int>(a->grpoGenerations));
                    optimizer.zeroGrad();
                    const train::CompletionLogprobs lp = train::completionLogprobs(policy->model(), encoded);
                    const at::Tensor logps = lp.perToken.to(at::kDouble);
                    const train::PolicyLoss loss = train::policyLoss(
                        logps, logps.detach(), {}, at::tensor(adv.advantages, at::kDouble).to(logps.device()),
                        lp.mask, {});
                    loss.loss.backward();
                    optimizer.clipGradNorm(1.0);
                    optimizer.step(1e-6);
                    const auto g2 = std::chrono::steady_clock::now();
                    if (timed) {
                        generation += std::chrono::duration<double>(g1 - g0).count();
                        learning += std::chrono::duration<double>(g2 - g1).count();
                    }
                };
                grpoStep(false); // warm-up
                for (int64_t s = 0; s < a->steps; ++s)
                    grpoStep(true);
                const double n = static_cast<double>(a->steps);
                const double learnTokens = static_cast<double>(a->grpoPrompts * a->grpoGenerations *
                                                               (a->prompt + a->grpoCompletion) * a->steps);
                grpo = {{"prompts", a->grpoPrompts},
                        {"num_generations", a->grpoGenerations},
                        {"completion_tokens", a->grpoCompletion},
                        {"step_seconds", (generation + learning) / n},
                        {"generation_seconds", generation / n},
                        {"learning_seconds", learning / n},
                        {"generation_share", generation / (generation + learning)},
                        {"sampled_tokens_per_s", static_cast<double>(sampled) / generation},
                        {"learning_tokens_per_s", learnTokens / learning},
                        {"learning_mfu", 6.0 * parameters * (learnTokens / learning) / (peak * 1e9)}};
                std::cerr << "GRPO step: " << a->grpoPrompts << " prompts x " << a->grpoGenerations
                          << " completions of " << a->grpoCompletion
                          << " tokens: " << (generation + learning) / n << " s a step, " << generation / n
                          << " s generating (" << static_cast<double>(sampled) / generation << " tokens/s), "
                          << learning / n << " s learning\n";
            }
            if (a->json) // the summary above, on stderr, is what people read
                printJson({{"ok", true},
                           {"device", device.str()},
                           {"bf16", a->bf16},
                           {"parameters", config.parameterCount()},
                           {"threads", at::get_num_threads()},
                           {"peak_gflops", peak},
                           {"pairs", a->pairs},
                           {"sequence_tokens", a->prompt + a->completion},
                           {"steps", a->steps},
                           {"step_seconds", seconds / static_cast<double>(a->steps)},
                           {"tokens_per_s", tps},
                           {"mfu", mfu},
                           {"grpo", grpo}});
            return 0;
        });
    });
}

} // namespace gpo::cli
