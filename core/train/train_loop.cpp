#include "train/train_loop.h"

#include "data/json_source.h"
#include "model/autocast.h"
#include "model/lora.h"
#include "model/policy.h"
#include "train/process_group.h"
#include "train/sft.h"

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>

namespace gpo::train {
namespace fs = std::filesystem;
namespace {

/// Metrics summed over the steps of a logging interval, averaged when logged (as TRL does).
struct Interval {
    std::map<std::string, double> sum;
    std::map<std::string, int64_t> count;
    int64_t tokens = 0;
    double seconds = 0;
    void add(const std::string& key, double v) {
        if (!std::isfinite(v)) return;
        sum[key] += v;
        ++count[key];
    }
    nlohmann::json toJson() const {
        return {{"sum", sum}, {"count", count}, {"tokens", tokens}, {"seconds", seconds}};
    }
    static Interval fromJson(const nlohmann::json& j) {
        Interval i;
        if (!j.is_object()) return i;
        i.sum = j.value("sum", std::map<std::string, double>{});
        i.count = j.value("count", std::map<std::string, int64_t>{});
        i.tokens = j.value("tokens", int64_t(0));
        i.seconds = j.value("seconds", 0.0);
        return i;
    }
};

bool improves(const TrainConfig& c, double value, const nlohmann::json& best) {
    if (!best.is_object() || !best.contains("value")) return true;
    const double b = best["value"].get<double>();
    return c.greaterIsBetter ? value > b : value < b;
}

} // namespace

double scheduledLearningRate(const TrainConfig& c, int64_t step, int64_t total) {
    const int64_t warmup = c.warmupSteps > 0
                               ? c.warmupSteps
                               : static_cast<int64_t>(std::ceil(c.warmupRatio * static_cast<double>(total)));
    if (step < warmup)
        return c.learningRate * static_cast<double>(step) / static_cast<double>(std::max<int64_t>(1, warmup));
    if (c.lrSchedulerType == "constant") return c.learningRate;
    const double progress =
        static_cast<double>(step - warmup) / static_cast<double>(std::max<int64_t>(1, total - warmup));
    if (c.lrSchedulerType == "cosine") return c.learningRate * 0.5 * (1.0 + std::cos(M_PI * progress));
    return c.learningRate * std::max(0.0, 1.0 - progress); // linear
}

int64_t plannedSteps(const TrainConfig& c, int64_t examples, int64_t perStep) {
    if (c.maxSteps > 0) return c.maxSteps;
    return std::max<int64_t>(1,
                             static_cast<int64_t>(std::ceil(static_cast<double>(examples) * c.numTrainEpochs /
                                                            static_cast<double>(perStep))));
}

void TrainResult::take(const TrainLoopResult& run, std::chrono::steady_clock::time_point started) {
    steps = run.steps;
    maxSteps = run.maxSteps;
    sampledTokens = run.sampledTokens;
    cancelled = run.cancelled;
    last = run.last;
    best = run.best;
    seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
}

TrainLoop::TrainLoop(model::Policy& policy, const TrainConfig& config, TrainLoopOptions options,
                     int64_t maxSteps, std::vector<at::Tensor> parameters, int64_t examples,
                     int64_t examplesPerStep)
    : policy_(policy), c_(config), o_(std::move(options)), maxSteps_(maxSteps), examples_(examples),
      perStep_(examplesPerStep), params_(std::move(parameters)),
      optimizer_(params_, {c_.adamBeta1, c_.adamBeta2, c_.adamEpsilon, c_.weightDecay}) {
    if (o_.outDir.empty()) throw std::invalid_argument("training needs an output folder");
    fs::create_directories(o_.outDir);
    if (!o_.resume) return;
    const fs::path checkpoint = checkpointDir();
    if (!fs::exists(checkpoint / "trainer_state.json"))
        throw std::invalid_argument(o_.outDir + ": no checkpoint to resume from");
    const auto state = readJsonDocument((checkpoint / "trainer_state.json").string());
    start_ = state.value("global_step", int64_t(0));
    numTokens_ = state.value("num_tokens", int64_t(0));
    sampledTokens_ = state.value("sampled_tokens", int64_t(0));
    interval_ = state.value("interval", nlohmann::json::object());
    best_ = state.value("best", nlohmann::json());
    trainerState_ = state.value("trainer", nlohmann::json());
    optimizer_.load((checkpoint / "optimizer.safetensors").string());
}

std::string TrainLoop::checkpointDir() const {
    return (fs::path(o_.outDir) / "checkpoint").string();
}

void TrainLoop::writeWeights(const std::string& dir) const {
    if (o_.saveWeights)
        o_.saveWeights(dir);
    else
        saveTrainedWeights(policy_, dir);
}

void saveTrainedWeights(const model::Policy& policy, const std::string& dir) {
    if (const model::LoraAdapter* lora = policy.model().lora())
        lora->save(dir, fs::absolute(policy.dir()).string());
    else
        policy.save(dir);
}

void TrainLoop::save(const std::string& dir, int64_t step, const nlohmann::json& state) {
    writeCheckpoint(
        [this](const std::string& staging) { writeWeights(staging); }, dir,
        [&](const std::string& staging) {
            optimizer_.save(staging + "/optimizer.safetensors");
            std::ofstream(staging + "/trainer_state.json")
                << nlohmann::json{{"global_step", step},
                                  {"max_steps", maxSteps_},
                                  {"epoch", static_cast<double>(step * perStep_) /
                                                static_cast<double>(std::max<int64_t>(1, examples_))},
                                  {"num_tokens", numTokens_},
                                  {"sampled_tokens", sampledTokens_},
                                  {"interval", interval_},
                                  {"best", best_},
                                  {"trainer", state},
                                  {"config", c_.toJson()}}
                       .dump(2)
                << "\n";
        });
}

TrainLoopResult TrainLoop::run(const std::function<StepReport(int64_t, const ApplyGradients&)>& stepFn,
                               const std::function<nlohmann::json()>& state) {
    const auto t0 = std::chrono::steady_clock::now();
    TrainLoopResult result;
    result.maxSteps = maxSteps_;
    result.best = best_;
    Interval interval = Interval::fromJson(interval_);
    auto trainerState = [&] { return state ? state() : nlohmann::json(); };
    auto finalWeights = [this](const std::string& dir) {
        if (o_.saveFinal)
            o_.saveFinal(dir);
        else
            policy_.saveMerged(dir);
    };

    const bool leader = !o_.group || o_.group->leader();
    int64_t step = start_;
    for (auto& p : params_)
        p.requires_grad_(true);
    for (; step < maxSteps_; ++step) {
        const auto stepStart = std::chrono::steady_clock::now();
        const double lr = scheduledLearningRate(c_, step, maxSteps_);
        double normSum = 0;
        int updates = 0;
        const ApplyGradients apply = [&] {
            if (o_.group) o_.group->averageGradients(params_);
            const double norm = optimizer_.clipGradNorm(c_.maxGradNorm);
            optimizer_.step(lr);
            optimizer_.zeroGrad();
            normSum += norm;
            ++updates;
            return norm;
        };
        optimizer_.zeroGrad();
        // Randomness inside a step (LoRA dropout) depends on the step alone, so a resumed run repeats it.
        at::manual_seed(c_.seed ^ (0x9E3779B97F4A7C15ull * static_cast<uint64_t>(step + 1)));
        StepReport report = [&] {
            const model::Autocast autocast(policy_.device(), c_.bf16);
            return stepFn(step, apply);
        }();
        if (updates == 0) throw std::logic_error("a training step applied no gradients");
        if (o_.group) {
            report.metrics = o_.group->averageMetrics(report.metrics);
            at::Tensor counts = at::tensor({report.tokens, report.sampledTokens}, at::kLong);
            o_.group->allReduceSum(counts);
            report.tokens = counts[0].item<int64_t>();
            report.sampledTokens = counts[1].item<int64_t>();
        }
        numTokens_ += report.tokens;
        sampledTokens_ += report.sampledTokens;
        interval.tokens += report.tokens;
        for (const auto& [key, v] : report.metrics)
            interval.add(key, v);
        interval.add("grad_norm", normSum / updates);
        interval.add("learning_rate", lr);
        interval.seconds +=
            std::chrono::duration<double>(std::chrono::steady_clock::now() - stepStart).count();
        result.budgetReached =
            c_.maxSampledTokens > 0 && sampledTokens_ >= c_.maxSampledTokens && step + 1 < maxSteps_;
        const bool last = step + 1 == maxSteps_ || result.budgetReached;
        if ((step + 1) % c_.loggingSteps == 0 || last) {
            nlohmann::json j{{"step", step + 1},
                             {"max_steps", maxSteps_},
                             {"epoch", static_cast<double>((step + 1) * perStep_) /
                                           static_cast<double>(std::max<int64_t>(1, examples_))},
                             {"num_tokens", numTokens_},
                             {"tokens_per_s", interval.seconds > 0
                                                  ? static_cast<double>(interval.tokens) / interval.seconds
                                                  : 0.0}};
            if (sampledTokens_ > 0) j["sampled_tokens"] = sampledTokens_;
            for (const auto& [key, s] : interval.sum)
                j[key] = s / static_cast<double>(interval.count[key]);
            result.last = j;
            if (o_.metrics && leader) o_.metrics(j);
            interval = {};
        }
        interval_ = interval.toJson();
        if (o_.evaluate && leader && ((c_.evalSteps > 0 && (step + 1) % c_.evalSteps == 0) || last)) {
            nlohmann::json e{{"step", step + 1}, {"max_steps", maxSteps_}};
            for (const auto& [key, v] : o_.evaluate())
                e[key] = v;
            for (const auto& [key, v] : e.items())
                if (key != "step" && key != "max_steps") result.last[key] = v;
            if (o_.metrics) o_.metrics(e);
            if (e.contains(c_.metricForBestModel) && e[c_.metricForBestModel].is_number()) {
                const double v = e[c_.metricForBestModel].get<double>();
                if (improves(c_, v, best_)) {
                    best_ = {{"step", step + 1}, {"metric", c_.metricForBestModel}, {"value", v}};
                    writeCheckpoint(finalWeights, (fs::path(o_.outDir) / "best").string(),
                                    [&](const std::string& staging) {
                                        std::ofstream(staging + "/best.json") << best_.dump(2) << "\n";
                                    });
                }
            }
        }
        bool stop = !last && o_.cancelled && o_.cancelled();
        if (o_.group && !last) stop = o_.group->any(stop); // every rank stops at the same step
        if (leader && (stop || ((step + 1) % c_.saveSteps == 0 && !last)))
            save(checkpointDir(), step + 1, trainerState());
        if (stop) {
            result.cancelled = true;
            ++step;
            break;
        }
        if (result.budgetReached) {
            ++step;
            break;
        }
    }
    if (!result.cancelled && leader) {
        save(checkpointDir(), step, trainerState());
        writeCheckpoint(finalWeights, (fs::path(o_.outDir) / "final").string(), {});
    }
    if (o_.group) o_.group->barrier(); // no rank reports the run done before rank 0 has written it
    for (auto& p : params_)
        p.requires_grad_(false);
    result.steps = step;
    result.sampledTokens = sampledTokens_;
    result.best = best_;
    result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return result;
}

} // namespace gpo::train
