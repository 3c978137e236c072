#include "train/preference_trainer.h"

#include "model/policy.h"
#include "model/safetensors.h"
#include "train/completion_scores.h"
#include "train/dpo_loss.h"
#include "train/example_stream.h"
#include "train/kto_loss.h"
#include "train/orpo_loss.h"
#include "train/process_group.h"
#include "train/simpo_loss.h"
#include "train/train_loop.h"
#include "util/input_error.h"

#include <c10/core/InferenceMode.h>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>

namespace gpo::train {
namespace fs = std::filesystem;
namespace {

/// One training example: a pair (DPO, SimPO, ORPO), or one side of one (KTO).
struct Example {
    EncodedCompletion chosen, rejected; ///< KTO: `chosen` only
    bool desirable = true;              ///< KTO
};

/// Encodes a side and keeps the start within max_length (TRL's keep_start); nullopt if no completion
/// token is left.
std::optional<EncodedCompletion> encodeSide(const model::Tokenizer& tok, const std::string& prompt,
                                            const std::string& completion, int32_t eos, int64_t maxLength) {
    EncodedCompletion e = encodeCompletion(tok, prompt, completion, eos);
    if (static_cast<int64_t>(e.tokens.size()) > maxLength) e.tokens.resize(static_cast<size_t>(maxLength));
    if (e.completionTokens() < 1) return std::nullopt;
    return e;
}

double meanOf(const at::Tensor& t) {
    return t.numel() ? t.to(at::kDouble).mean().item<double>() : std::nan("");
}

} // namespace

TrainResult trainOnPreferences(model::Policy& policy, const std::vector<PreferencePair>& pairs,
                               const TrainConfig& c, const TrainerOptions& o) {
    if (o.outDir.empty()) throw std::invalid_argument("training needs an output folder");
    const auto t0 = std::chrono::steady_clock::now();
    const model::Tokenizer& tok = policy.requireTokenizer();
    const int32_t eos = !policy.eosIds().empty() ? policy.eosIds().front() : tok.eosId();
    const bool kto = c.algorithm == Algorithm::Kto;
    const bool needsReference = c.algorithm == Algorithm::Dpo || kto;
    // Data-parallel: rank r of W reads slice r of every global batch of W × per_device_train_batch_size.
    const int64_t rank = o.group ? o.group->rank() : 0, world = o.group ? o.group->world() : 1;

    TrainResult result;
    std::vector<Example> examples;
    for (const auto& p : pairs) {
        if (kto) {
            for (const auto* side : {&p.chosen, &p.rejected}) {
                if (!*side) continue;
                if (auto e = encodeSide(tok, p.prompt, **side, eos, c.maxLength))
                    examples.push_back({std::move(*e), {}, side == &p.chosen});
                else
                    ++result.skipped;
            }
            continue;
        }
        if (!p.paired()) {
            ++result.skipped;
            continue;
        }
        auto a = encodeSide(tok, p.prompt, *p.chosen, eos, c.maxLength);
        auto b = encodeSide(tok, p.prompt, *p.rejected, eos, c.maxLength);
        if (a && b)
            examples.push_back({std::move(*a), std::move(*b), true});
        else
            ++result.skipped;
    }
    const auto n = static_cast<int64_t>(examples.size());
    if (n == 0)
        throw std::invalid_argument(kto ? "no example to train on"
                                        : "no pair with both sides fits in max_length");
    if (kto && c.batchSize < 2)
        throw std::invalid_argument("KTO needs per_device_train_batch_size >= 2 for its KL estimate");
    const int64_t perStep = c.batchSize * c.gradientAccumulationSteps * world;
    const int64_t maxSteps = plannedSteps(c, n, perStep);
    result.examples = n;
    result.maxSteps = maxSteps;

    // Reference log-probs of every example, computed once and kept with the run.
    fs::create_directories(o.outDir);
    const fs::path refFile = fs::path(o.outDir) / "reference_logps.safetensors";
    at::Tensor refChosen, refRejected;
    std::unique_ptr<model::Policy> reference;
    if (needsReference) {
        bool haveStored = fs::exists(refFile);
        if (o.group) haveStored = !o.group->any(!haveStored); // every rank takes the same path
        if (haveStored) {
            const model::SafetensorsFile stored(refFile.string());
            auto column = [&](const char* name) {
                const model::TensorInfo* t = stored.find(name);
                if (!t || t->dtype != model::DType::F64 || t->shape != std::vector<int64_t>{n})
                    throw InputError(refFile.string(), 0,
                                     std::string("reference log-probs (") + name +
                                         ") do not match this run's data");
                return at::from_blob(const_cast<uint8_t*>(stored.data(*t)), {n}, at::kDouble).clone();
            };
            refChosen = column("chosen");
            refRejected = column("rejected");
        } else {
            if (!o.loadReference) throw std::invalid_argument("this algorithm needs a reference policy");
            if (o.stage) o.stage("loading the reference", 0, n);
            reference = o.loadReference();
            c10::InferenceMode inference;
            // Each rank scores every W-th batch; a sum over the ranks fills in the rest.
            std::vector<double> chosenV(static_cast<size_t>(n), 0.0), rejectedV(static_cast<size_t>(n), 0.0);
            // One forward over [chosen…, rejected…], laid out as the training step lays out its batch: read
            // in order, a micro-batch then gets the very numbers it would compute itself (rewards exactly 0
            // at step 1, as TRL's, not float noise of another padding).
            for (int64_t start = rank * c.batchSize; start < n; start += c.batchSize * world) {
                std::vector<EncodedCompletion> batch;
                const int64_t end = std::min(n, start + c.batchSize);
                for (int64_t i = start; i < end; ++i)
                    batch.push_back(examples[static_cast<size_t>(i)].chosen);
                if (!kto)
                    for (int64_t i = start; i < end; ++i)
                        batch.push_back(examples[static_cast<size_t>(i)].rejected);
                const at::Tensor l =
                    completionLogprobs(reference->model(), batch).scores.logps.to(at::kCPU).to(at::kDouble);
                for (int64_t i = 0; i < end - start; ++i) {
                    chosenV[static_cast<size_t>(start + i)] = l[i].item<double>();
                    if (!kto) rejectedV[static_cast<size_t>(start + i)] = l[end - start + i].item<double>();
                }
                if (o.stage) o.stage("scoring the reference", std::min(n, start + c.batchSize * world), n);
            }
            refChosen = at::tensor(chosenV, at::kDouble);
            refRejected = at::tensor(rejectedV, at::kDouble);
            if (o.group) {
                o.group->allReduceSum(refChosen);
                o.group->allReduceSum(refRejected);
            }
            if (rank == 0)
                model::writeSafetensors(refFile.string(),
                                        {{"chosen", model::DType::F64, {n}, refChosen.data_ptr()},
                                         {"rejected", model::DType::F64, {n}, refRejected.data_ptr()}});
        }
        if (kto && !reference) reference = o.loadReference(); // the KL reference point's mismatched pairs
    }

    TrainLoop loop(policy, c, o, maxSteps, policy.model().trainableParameters(), n, perStep);
    ExampleStream stream(c.seed, n, c.trainSamplingStrategy != "sequential");
    const TrainLoopResult run = loop.run([&](int64_t step, const ApplyGradients& apply) {
        StepReport report;
        std::map<std::string, double>& stepMetrics = report.metrics;
        for (int64_t micro = 0; micro < c.gradientAccumulationSteps; ++micro) {
            std::vector<int64_t> ids;
            for (int64_t i = 0; i < c.batchSize; ++i)
                ids.push_back(stream.at(
                    ((step * c.gradientAccumulationSteps + micro) * world + rank) * c.batchSize + i));
            std::vector<EncodedCompletion> batch;
            for (const int64_t id : ids)
                batch.push_back(examples[static_cast<size_t>(id)].chosen);
            if (!kto)
                for (const int64_t id : ids)
                    batch.push_back(examples[static_cast<size_t>(id)].rejected);
            int64_t batchTokens = 0;
            for (const auto& e : batch)
                batchTokens += static_cast<int64_t>(e.tokens.size());
            report.tokens += batchTokens;
            // One forward over [chosen…, rejected…], as TRL concatenates them.
            const CompletionLogprobs lp = completionLogprobs(policy.model(), batch);
            const auto B = static_cast<int64_t>(ids.size());
            auto slice = [&](const SequenceScores& s, int64_t from) {
                return SequenceScores{s.logps.narrow(0, from, B).to(at::kDouble),
                                      s.tokens.narrow(0, from, B).to(at::kDouble)};
            };
            const at::Tensor index = at::tensor(ids, at::kLong);
            at::Tensor loss;
            std::map<std::string, double> m;
            if (c.algorithm == Algorithm::Dpo) {
                DpoOptions d;
                d.beta = c.beta;
                d.type = dpoLossType(c.lossType);
                d.labelSmoothing = c.labelSmoothing;
                d.ipoNormalize = c.ipoNormalize;
                d.rpoAlpha = c.rpoAlpha;
                const SequenceScores pc = slice(lp.scores, 0), pr = slice(lp.scores, B);
                const PreferenceLoss r =
                    dpoLoss(pc, pr, refChosen.index_select(0, index), refRejected.index_select(0, index), d);
                loss = r.loss;
                m = {{"rewards/chosen", meanOf(r.chosenRewards)},
                     {"rewards/rejected", meanOf(r.rejectedRewards)},
                     {"rewards/accuracies", meanOf((r.chosenRewards > r.rejectedRewards).to(at::kDouble))},
                     {"rewards/margins", meanOf(r.chosenRewards - r.rejectedRewards)},
                     {"logps/chosen", meanOf(pc.logps.detach())},
                     {"logps/rejected", meanOf(pr.logps.detach())}};
                if (c.rpoAlpha > 0) m["nll_loss"] = chosenNll(pc).item<double>();
            } else if (kto) {
                // The KL reference point from mismatched pairs: each prompt with the completion before it.
                std::vector<EncodedCompletion> mismatched;
                for (int64_t i = 0; i < B; ++i) {
                    const auto& own = examples[static_cast<size_t>(ids[static_cast<size_t>(i)])].chosen;
                    const auto& other =
                        examples[static_cast<size_t>(ids[static_cast<size_t>((i + B - 1) % B)])].chosen;
                    EncodedCompletion x;
                    x.tokens.assign(own.tokens.begin(), own.tokens.begin() + own.promptTokens);
                    x.promptTokens = own.promptTokens;
                    x.tokens.insert(x.tokens.end(), other.tokens.begin() + other.promptTokens,
                                    other.tokens.end());
                    if (static_cast<int64_t>(x.tokens.size()) > c.maxLength)
                        x.tokens.resize(static_cast<size_t>(c.maxLength));
                    if (x.completionTokens() < 1) x.tokens.push_back(other.tokens.back());
                    mismatched.push_back(std::move(x));
                }
                at::Tensor klPolicy, klReference;
                {
                    c10::InferenceMode inference;
                    klPolicy =
                        completionLogprobs(policy.model(), mismatched).scores.logps.to(at::kDouble).clone();
                    klReference = completionLogprobs(reference->model(), mismatched)
                                      .scores.logps.to(at::kDouble)
                                      .clone();
                }
                std::vector<uint8_t> good;
                for (const int64_t id : ids)
                    good.push_back(examples[static_cast<size_t>(id)].desirable ? 1 : 0);
                KtoOptions k;
                k.beta = c.beta;
                k.desirableWeight = c.desirableWeight;
                k.undesirableWeight = c.undesirableWeight;
                const at::Tensor desirable = at::tensor(good).to(at::kBool);
                const SequenceScores pc = slice(lp.scores, 0);
                const KtoLoss r =
                    ktoLoss(pc.logps, refChosen.index_select(0, index), desirable, klPolicy, klReference, k);
                loss = r.loss;
                m = {{"kl", r.kl.item<double>()},
                     {"rewards/chosen", meanOf(r.chosenRewards)},
                     {"rewards/rejected", meanOf(r.rejectedRewards)},
                     {"rewards/margins", meanOf(r.chosenRewards) - meanOf(r.rejectedRewards)},
                     {"logps/chosen", meanOf(pc.logps.detach().masked_select(desirable))},
                     {"logps/rejected", meanOf(pc.logps.detach().masked_select(desirable.logical_not()))}};
            } else if (c.algorithm == Algorithm::Simpo) {
                SimpoOptions s;
                s.beta = c.beta;
                s.gamma = c.simpoGamma;
                s.labelSmoothing = c.labelSmoothing;
                s.cpoAlpha = c.cpoAlpha;
                const SequenceScores pc = slice(lp.scores, 0), pr = slice(lp.scores, B);
                const SimpoLoss simpo = simpoLoss(pc, pr, s);
                const PreferenceLoss& r = simpo.preference;
                loss = r.loss;
                m = {{"rewards/chosen", meanOf(r.chosenRewards)},
                     {"rewards/rejected", meanOf(r.rejectedRewards)},
                     {"rewards/accuracies", meanOf((r.chosenRewards > r.rejectedRewards).to(at::kDouble))},
                     {"rewards/margins", meanOf(r.chosenRewards - r.rejectedRewards)},
                     {"logps/chosen", meanOf(pc.meanLogps().detach())},
                     {"logps/rejected", meanOf(pr.meanLogps().detach())},
                     {"nll_loss", simpo.nll.item<double>()}};
            } else {
                const SequenceScores pc = slice(lp.scores, 0), pr = slice(lp.scores, B);
                const SequenceScores whole = slice(lp.whole, 0);
                const at::Tensor nll = -(whole.logps.sum() / whole.tokens.sum().clamp_min(1.0));
                const OrpoLoss r = orpoLoss(pc, pr, nll, {c.beta});
                loss = r.preference.loss;
                m = {{"rewards/chosen", meanOf(r.preference.chosenRewards)},
                     {"rewards/rejected", meanOf(r.preference.rejectedRewards)},
                     {"rewards/accuracies",
                      meanOf((r.preference.chosenRewards > r.preference.rejectedRewards).to(at::kDouble))},
                     {"rewards/margins", meanOf(r.preference.chosenRewards - r.preference.rejectedRewards)},
                     {"logps/chosen", meanOf(pc.meanLogps().detach())},
                     {"logps/rejected", meanOf(pr.meanLogps().detach())},
                     {"nll_loss", nll.item<double>()},
                     {"log_odds_ratio", r.logOddsRatio.item<double>()},
                     {"log_odds_chosen", r.logOddsChosen.item<double>()}};
            }
            (loss / static_cast<double>(c.gradientAccumulationSteps)).backward();
            m["loss"] = loss.item<double>();
            for (const auto& [key, v] : m)
                stepMetrics[key] += v / static_cast<double>(c.gradientAccumulationSteps);
        }
        apply();
        return report;
    });
    result.take(run, t0);
    return result;
}

} // namespace gpo::train
