#include "train/ppo_trainer.h"

#include "model/policy.h"
#include "train/completion_scores.h"
#include "train/example_stream.h"
#include "train/gae.h"
#include "train/policy_loss.h"
#include "train/process_group.h"
#include "train/rollout_batch.h"
#include "train/value_head.h"

#include <c10/core/GradMode.h>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>

namespace gpo::train {
namespace fs = std::filesystem;
namespace {

double since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

/// Completion tokens laid out from column 0: entry [b, j] is the j-th completion token of row b. The
/// scores' columns are shifted by each row's prompt length, and GAE runs over a prefix of each row.
struct ResponseColumns {
    at::Tensor index; ///< [N, L] int64: the column of completion token j in the full-width tensors
    at::Tensor mask;  ///< [N, L] bool
    at::Tensor last;  ///< [N] int64: the column of each row's last completion token

    static ResponseColumns of(const std::vector<EncodedCompletion>& batch, const at::Device& device) {
        int64_t width = 0;
        for (const auto& e : batch)
            width = std::max(width, e.completionTokens());
        std::vector<int64_t> index, last;
        std::vector<uint8_t> mask;
        for (const auto& e : batch) {
            const int64_t first = e.promptTokens - 1; // entry i scores token i + 1
            for (int64_t j = 0; j < width; ++j) {
                const bool in = j < e.completionTokens();
                index.push_back(in ? first + j : first);
                mask.push_back(in ? 1 : 0);
            }
            last.push_back(std::max<int64_t>(0, e.completionTokens() - 1));
        }
        const auto n = static_cast<int64_t>(batch.size());
        return {at::tensor(index, at::kLong).view({n, width}).to(device),
                at::tensor(mask).view({n, width}).to(at::kBool).to(device),
                at::tensor(last, at::kLong).to(device)};
    }
    /// Full-width scores [N, W] -> completion columns [N, L], zero off the completion.
    at::Tensor take(const at::Tensor& full) const {
        return full.gather(1, index.to(full.device())) * mask.to(full.scalar_type());
    }
};

double maskedMean(const at::Tensor& x, const at::Tensor& mask) {
    const at::Tensor m = mask.to(x.scalar_type());
    return ((x * m).sum() / m.sum().clamp_min(1.0)).item<double>();
}

} // namespace

TrainResult trainPpo(model::Policy& policy, const std::vector<OnlinePrompt>& prompts, const TrainConfig& c,
                     const OnlineTrainOptions& given) {
    if (given.outDir.empty()) throw std::invalid_argument("training needs an output folder");
    if (prompts.empty()) throw std::invalid_argument("no prompt to train on");
    if (c.gpo && !given.gpoSelector) throw std::invalid_argument("GPO needs a critical-step selector");
    const auto t0 = std::chrono::steady_clock::now();
    const auto n = static_cast<int64_t>(prompts.size());
    // Data-parallel: rank r of W samples slice r of every global batch of prompts.
    const int64_t rank = given.group ? given.group->rank() : 0,
                  world = given.group ? given.group->world() : 1;
    // Resets make each rank's batch a different size, and with it the count of PPO's mini-batch updates,
    // which every rank must make together.
    if (world > 1 && c.gpo)
        throw std::invalid_argument("PPO with GPO resets runs in one process: use GRPO with GPO for several "
                                    "ranks, or --nproc 1");
    const int64_t promptsPerStep = c.batchSize * c.gradientAccumulationSteps;
    const int64_t maxSteps = plannedSteps(c, n, promptsPerStep * world);
    const int32_t eos = policy.eosIds().empty() ? -1 : policy.eosIds().front();
    const at::Device device = policy.device();

    std::unique_ptr<model::Policy> reference;
    if (c.klCoef > 0) {
        if (!given.loadReference) throw std::invalid_argument("kl_coef > 0 needs a reference policy");
        reference = given.loadReference();
    }
    const fs::path checkpointHead = fs::path(given.outDir) / "checkpoint" / ValueHead::kFileName;
    ValueHead head = given.resume && fs::exists(checkpointHead)
                         ? ValueHead::load(checkpointHead.string(), policy.config().hidden, device)
                         : ValueHead::create(policy.config().hidden, c.seed, device);
    OnlineTrainOptions o = given;
    auto weights = o.saveWeights;
    o.saveWeights = [&policy, &head, weights](const std::string& dir) {
        if (weights)
            weights(dir);
        else
            saveTrainedWeights(policy, dir);
        head.save((fs::path(dir) / ValueHead::kFileName).string());
    };
    std::vector<at::Tensor> params = policy.model().trainableParameters();
    for (const auto& p : head.parameters())
        params.push_back(p);
    TrainLoop loop(policy, c, o, maxSteps, params, n, promptsPerStep * world);
    const std::string samplesFile =
        (fs::path(o.outDir) /
         (rank == 0 ? "samples.jsonl" : "samples-rank" + std::to_string(rank) + ".jsonl"))
            .string();
    truncateSamples(samplesFile, loop.startStep());
    std::ofstream samples(samplesFile, std::ios::app);

    ExampleStream stream(c.seed, n, c.trainSamplingStrategy != "sequential");
    PolicyLossOptions pg;
    pg.epsilonLow = pg.epsilonHigh = c.cliprange;
    pg.aggregation = TokenAggregation::Bnpo; // TRL's PPO: masked mean over the micro-batch's tokens
    const KlEstimator kl = klEstimator(c.klEstimator);
    const double temperature = c.temperature + 1e-7; // TRL's PPO scores at temperature + 1e-7

    const TrainLoopResult run = loop.run([&](int64_t step, const ApplyGradients& apply) {
        StepReport report;
        std::vector<int64_t> ids, positions;
        for (int64_t i = 0; i < promptsPerStep; ++i) {
            positions.push_back((step * world + rank) * promptsPerStep + i);
            ids.push_back(stream.at(positions.back()));
        }
        const RolloutBatch batch = drawRollouts(policy, prompts, ids, positions, 1, step, c, o.gpoSelector);
        const std::vector<EncodedCompletion> encoded = batch.encoded(eos);
        for (const auto& e : encoded)
            report.tokens += static_cast<int64_t>(e.tokens.size());
        report.sampledTokens = batch.sampledTokens;
        const auto N = static_cast<int64_t>(encoded.size());
        const ResponseColumns cols = ResponseColumns::of(encoded, device);
        const at::Tensor mask = cols.mask;

        // Rollout time: old log-probs and values, the reference, rewards, GAE.
        const auto learnStart = std::chrono::steady_clock::now();
        at::Tensor oldLogps, oldValues, refLogps, scores, rewards, advantages, returns, klTokens;
        {
            // No autograd, but ordinary tensors: the losses below save them for the backward pass.
            c10::NoGradGuard noGrad;
            at::Tensor hidden;
            const CompletionLogprobs lp = completionLogprobs(policy.model(), encoded, temperature, &hidden);
            oldLogps = cols.take(lp.perToken.to(at::kDouble)).clone();
            const int64_t width = lp.perToken.size(1);
            oldValues = cols.take(head(hidden.narrow(1, 0, width)).to(at::kDouble)).clone();
            if (reference)
                refLogps = cols.take(completionLogprobs(reference->model(), encoded, temperature)
                                         .perToken.to(at::kDouble))
                               .clone();
            else
                refLogps = oldLogps;
            std::vector<double> s;
            for (const auto& x : batch.samples)
                s.push_back(x.reward);
            scores = at::tensor(s, at::kDouble).to(device);
            const at::Tensor logr = refLogps - oldLogps;
            klTokens = (kl == KlEstimator::K1 ? -logr : (logr.exp() - 1.0) - logr) * mask.to(at::kDouble);
            rewards = -c.klCoef * klTokens;
            rewards = rewards.scatter_add(1, cols.last.unsqueeze(1), scores.unsqueeze(1));
            if (c.whitenRewards) rewards = maskedWhiten(rewards, mask, false);
            const Gae g = generalizedAdvantages(rewards, oldValues, mask, c.gamma, c.lam);
            advantages = maskedWhiten(g.advantages, mask).clone();
            returns = g.returns.clone();
        }

        // num_ppo_epochs × num_mini_batches optimizer steps, micro-batches of per_device_train_batch_size.
        std::map<std::string, double> sums;
        int64_t updates = 0;
        const int64_t miniSize = (N + c.numMiniBatches - 1) / c.numMiniBatches;
        for (int64_t epoch = 0; epoch < c.numPpoEpochs; ++epoch) {
            const std::vector<int64_t> order = epochOrder(completionSeed(c.seed, step, -1, epoch), 0, N);
            for (int64_t m0 = 0; m0 < N; m0 += miniSize) {
                const int64_t mEnd = std::min(N, m0 + miniSize);
                std::map<std::string, double> mini;
                for (int64_t b0 = m0; b0 < mEnd; b0 += c.batchSize) {
                    const int64_t bEnd = std::min(mEnd, b0 + c.batchSize);
                    std::vector<int64_t> rowsV(order.begin() + b0, order.begin() + bEnd);
                    std::vector<EncodedCompletion> micro;
                    for (const int64_t r : rowsV)
                        micro.push_back(encoded[static_cast<size_t>(r)]);
                    const at::Tensor rowsT = at::tensor(rowsV, at::kLong).to(device);
                    const ResponseColumns mc = ResponseColumns::of(micro, device);
                    at::Tensor hidden;
                    const CompletionLogprobs lp =
                        completionLogprobs(policy.model(), micro, temperature, &hidden);
                    const int64_t width = lp.perToken.size(1);
                    const at::Tensor newLogps = mc.take(lp.perToken.to(at::kDouble));
                    const at::Tensor newValues = mc.take(head(hidden.narrow(1, 0, width)).to(at::kDouble));
                    const int64_t L = mc.mask.size(1);
                    auto cut = [&](const at::Tensor& full) {
                        return full.index_select(0, rowsT).narrow(1, 0, L);
                    };
                    const at::Tensor mMask = cut(mask);
                    const PolicyLoss p = policyLoss(newLogps, cut(oldLogps), {}, cut(advantages), mMask, pg);
                    const ValueLoss v =
                        valueLoss(newValues, cut(oldValues), cut(returns), mMask, c.cliprangeValue);
                    const double share = static_cast<double>(bEnd - b0) / static_cast<double>(mEnd - m0);
                    ((p.loss + c.vfCoef * v.loss) * share).backward();
                    const at::Tensor diff = (newLogps - cut(oldLogps)).detach();
                    mini["policy/approxkl_avg"] += 0.5 * maskedMean(diff.pow(2), mMask) * share;
                    mini["policy/clipfrac_avg"] += p.clipRegion.item<double>() * share;
                    mini["loss/policy_avg"] += p.loss.item<double>() * share;
                    mini["loss/value_avg"] += v.loss.item<double>() * share;
                    mini["val/clipfrac_avg"] += v.clipFrac.item<double>() * share;
                    mini["val/ratio"] += maskedMean(diff.exp(), mMask) * share;
                }
                apply();
                ++updates;
                for (const auto& [key, x] : mini)
                    sums[key] += x;
            }
        }
        std::map<std::string, double>& m = report.metrics;
        for (const auto& [key, x] : sums)
            m[key] = x / static_cast<double>(updates);
        for (const auto& [key, x] : rolloutMetrics(batch, eos))
            m[key] = x;
        const at::Tensor klSum = klTokens.sum(1);
        int64_t eosCount = 0;
        for (const auto& x : batch.samples)
            eosCount += x.finish == "eos" ? 1 : 0;
        const double nonScore = (-c.klCoef * klSum).mean().item<double>();
        const double score = scores.mean().item<double>();
        m["objective/kl"] = klSum.mean().item<double>();
        m["objective/entropy"] = (-(oldLogps * mask.to(at::kDouble)).sum(1)).mean().item<double>();
        m["objective/non_score_reward"] = nonScore;
        m["objective/scores"] = score;
        m["objective/rlhf_reward"] = nonScore + score;
        m["reward"] = score;
        m["val/num_eos_tokens"] = static_cast<double>(eosCount);
        m["loss"] = m["loss/policy_avg"] + c.vfCoef * m["loss/value_avg"];
        m["learning_s"] = since(learnStart);
        appendSamples(samples, step + 1, batch, {});
        samples.flush();
        return report;
    });

    TrainResult result;
    result.examples = n;
    result.take(run, t0);
    return result;
}

} // namespace gpo::train
