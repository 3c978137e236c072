#include "train/train_config.h"

#include "data/json_source.h"
#include "train/dpo_loss.h"

#include <algorithm>
#include <functional>
#include <map>
#include <stdexcept>

namespace gpo::train {
namespace {

Algorithm algorithmFrom(const std::string& name, const std::string& where) {
    if (name == "dpo") return Algorithm::Dpo;
    if (name == "kto") return Algorithm::Kto;
    if (name == "simpo") return Algorithm::Simpo;
    if (name == "orpo") return Algorithm::Orpo;
    if (name == "grpo") return Algorithm::Grpo;
    if (name == "ppo") return Algorithm::Ppo;
    throw std::invalid_argument(where + ": \"algorithm\": unknown algorithm '" + name +
                                "' (dpo, kto, simpo, orpo, grpo, ppo)");
}

/// Reads each key of the object with the reader registered for it; an unknown key is an error.
class KeyReader {
public:
    KeyReader(const nlohmann::json& j, std::string where) : j_(j), where_(std::move(where)) {
        if (!j_.is_object()) throw std::invalid_argument(where_ + ": a run config is a JSON object");
    }
    [[noreturn]] void fail(const std::string& key, const std::string& why) const {
        throw std::invalid_argument(where_ + ": \"" + key + "\": " + why);
    }
    template <class T> void number(const char* key, T& out, double min, double max) {
        on(key, [this, key, &out, min, max](const nlohmann::json& v) {
            if (!v.is_number()) fail(key, "must be a number");
            if constexpr (std::is_integral_v<T>)
                if (!v.is_number_integer()) fail(key, "must be a whole number");
            const double d = v.get<double>();
            if (d < min || d > max) fail(key, "must be between " + trim(min) + " and " + trim(max));
            out = v.get<T>();
        });
    }
    void text(const char* key, std::string& out) {
        on(key, [this, key, &out](const nlohmann::json& v) {
            if (!v.is_string()) fail(key, "must be a string");
            out = v.get<std::string>();
        });
    }
    /// A list of strings, or one string (taken as a list of one).
    void strings(const char* key, std::vector<std::string>& out) {
        on(key, [this, key, &out](const nlohmann::json& v) {
            std::vector<std::string> list;
            if (v.is_string()) {
                list.push_back(v.get<std::string>());
            } else if (v.is_array()) {
                for (const auto& e : v) {
                    if (!e.is_string()) fail(key, "must be a list of strings");
                    list.push_back(e.get<std::string>());
                }
            } else {
                fail(key, "must be a string or a list of strings");
            }
            if (list.empty()) fail(key, "must name at least one");
            out = std::move(list);
        });
    }
    void flag(const char* key, bool& out) {
        on(key, [this, key, &out](const nlohmann::json& v) {
            if (!v.is_boolean()) fail(key, "must be true or false");
            out = v.get<bool>();
        });
    }
    void on(const char* key, std::function<void(const nlohmann::json&)> read) {
        readers_[key] = std::move(read);
    }
    void run() {
        for (const auto& [key, value] : j_.items()) {
            const auto it = readers_.find(key);
            if (it == readers_.end()) {
                std::string known;
                for (const auto& [k, r] : readers_)
                    known += (known.empty() ? "" : ", ") + k;
                fail(key, "unknown key (known: " + known + ")");
            }
            it->second(value);
        }
    }

private:
    static std::string trim(double d) {
        std::string s = std::to_string(d);
        while (s.find('.') != std::string::npos && (s.back() == '0' || s.back() == '.')) {
            const bool dot = s.back() == '.';
            s.pop_back();
            if (dot) break;
        }
        return s;
    }
    const nlohmann::json& j_;
    std::string where_;
    std::map<std::string, std::function<void(const nlohmann::json&)>> readers_;
};

} // namespace

std::string algorithmName(Algorithm a) {
    switch (a) {
    case Algorithm::Dpo:
        return "dpo";
    case Algorithm::Kto:
        return "kto";
    case Algorithm::Simpo:
        return "simpo";
    case Algorithm::Orpo:
        return "orpo";
    case Algorithm::Grpo:
        return "grpo";
    case Algorithm::Ppo:
        return "ppo";
    }
    return "dpo";
}

bool isOnline(Algorithm a) {
    return a == Algorithm::Grpo || a == Algorithm::Ppo;
}

TrainConfig TrainConfig::fromJson(const nlohmann::json& j, const std::string& where) {
    TrainConfig c;
    KeyReader r(j, where);
    std::string algorithm = "dpo";
    r.text("algorithm", algorithm);
    r.flag("gpo", c.gpo);
    r.text("run_name", c.runName);
    r.text("policy", c.policy);
    r.text("reference", c.reference);
    r.text("output_name", c.outputName);
    r.on("pairs", [&](const nlohmann::json& v) {
        if (v.is_string()) {
            c.pairs.set = v.get<std::string>();
        } else if (v.is_object() && v.contains("file")) {
            if (!v["file"].is_string() || v.size() != 1) r.fail("pairs", "{\"file\": PATH} takes one string");
            c.pairs.file = v["file"].get<std::string>();
        } else if (v.is_object() && v.contains("from")) {
            c.pairs.build = v;
        } else {
            r.fail("pairs", "a pair set's name, {\"file\": PATH}, or {\"from\": "
                            "\"gpo\"|\"random-reset\"|\"whole\", ...}");
        }
    });
    r.number("learning_rate", c.learningRate, 0.0, 1.0);
    r.number("per_device_train_batch_size", c.batchSize, 1, 1 << 20);
    r.number("gradient_accumulation_steps", c.gradientAccumulationSteps, 1, 1 << 20);
    r.number("max_steps", c.maxSteps, -1, 1e12);
    r.number("num_train_epochs", c.numTrainEpochs, 0.0, 1e6);
    r.number("warmup_steps", c.warmupSteps, 0, 1e12);
    r.number("warmup_ratio", c.warmupRatio, 0.0, 1.0);
    r.text("lr_scheduler_type", c.lrSchedulerType);
    r.text("train_sampling_strategy", c.trainSamplingStrategy);
    r.number("max_grad_norm", c.maxGradNorm, 0.0, 1e12);
    r.number("weight_decay", c.weightDecay, 0.0, 10.0);
    r.number("adam_beta1", c.adamBeta1, 0.0, 1.0);
    r.number("adam_beta2", c.adamBeta2, 0.0, 1.0);
    r.number("adam_epsilon", c.adamEpsilon, 0.0, 1.0);
    r.number("seed", c.seed, 0, 1.8e19);
    r.number("max_length", c.maxLength, 2, 1 << 24);
    r.number("save_steps", c.saveSteps, 1, 1e12);
    r.number("logging_steps", c.loggingSteps, 1, 1e12);
    r.text("device", c.device);
    r.number("threads", c.threads, 0, 4096);
    r.flag("bf16", c.bf16);
    r.flag("use_peft", c.lora.enabled);
    r.number("lora_r", c.lora.r, 1, 1 << 16);
    r.number("lora_alpha", c.lora.alpha, 0.0, 1e6);
    r.number("lora_dropout", c.lora.dropout, 0.0, 0.99);
    r.strings("lora_target_modules", c.lora.targetModules);
    r.text("eval_dataset", c.evalDataset);
    r.number("eval_limit", c.evalLimit, 0, 1e12);
    r.number("eval_steps", c.evalSteps, 0, 1e12);
    r.text("metric_for_best_model", c.metricForBestModel);
    r.flag("greater_is_better", c.greaterIsBetter);
    r.number("max_sampled_tokens", c.maxSampledTokens, 0, 1e18);
    r.number("beta", c.beta, 0.0, 1e6);
    r.text("loss_type", c.lossType);
    r.number("label_smoothing", c.labelSmoothing, 0.0, 0.5);
    r.flag("ipo_normalize", c.ipoNormalize);
    r.number("rpo_alpha", c.rpoAlpha, 0.0, 1e6);
    r.number("desirable_weight", c.desirableWeight, 0.0, 1e6);
    r.number("undesirable_weight", c.undesirableWeight, 0.0, 1e6);
    r.number("simpo_gamma", c.simpoGamma, -1e6, 1e6);
    r.number("cpo_alpha", c.cpoAlpha, 0.0, 1e6);
    r.text("dataset", c.dataset);
    r.number("limit", c.limit, 0, 1e12);
    r.number("num_generations", c.numGenerations, 2, 4096);
    r.number("max_completion_length", c.maxCompletionLength, 1, 1 << 20);
    r.number("temperature", c.temperature, 0.0, 10.0);
    r.number("top_p", c.topP, 0.0, 1.0);
    r.number("top_k", c.topK, 0, 1 << 20);
    r.number("epsilon", c.epsilon, 0.0, 10.0);
    r.number("epsilon_high", c.epsilonHigh, -1.0, 10.0);
    r.text("scale_rewards", c.scaleRewards);
    r.flag("use_bias_correction_kl", c.useBiasCorrectionKl);
    r.text("gpo_selector", c.gpoOnline.selector);
    r.number("gpo_explore_num", c.gpoOnline.rollouts, 1, 4096);
    r.number("gpo_resets_per_group", c.gpoOnline.resetsPerGroup, 0, 4096);
    r.number("gpo_max_steps", c.gpoOnline.maxSteps, 2, 4096);
    r.number("gpo_threshold", c.gpoOnline.threshold, 0.0, 1.0);
    r.number("num_ppo_epochs", c.numPpoEpochs, 1, 1024);
    r.number("num_mini_batches", c.numMiniBatches, 1, 1 << 20);
    r.number("kl_coef", c.klCoef, 0.0, 1e6);
    r.text("kl_estimator", c.klEstimator);
    r.number("cliprange", c.cliprange, 0.0, 10.0);
    r.number("vf_coef", c.vfCoef, 0.0, 1e6);
    r.number("cliprange_value", c.cliprangeValue, 0.0, 1e6);
    r.number("gamma", c.gamma, 0.0, 1.0);
    r.number("lam", c.lam, 0.0, 1.0);
    r.flag("whiten_rewards", c.whitenRewards);
    r.run();
    c.algorithm = algorithmFrom(algorithm, where);
    if (c.lrSchedulerType != "linear" && c.lrSchedulerType != "cosine" && c.lrSchedulerType != "constant")
        r.fail("lr_scheduler_type", "'" + c.lrSchedulerType + "' is not linear, cosine or constant");
    if (c.trainSamplingStrategy != "random" && c.trainSamplingStrategy != "sequential")
        r.fail("train_sampling_strategy", "'" + c.trainSamplingStrategy + "' is not random or sequential");
    static const std::vector<std::string> loraModules = {"q_proj",    "k_proj",  "v_proj",    "o_proj",
                                                         "gate_proj", "up_proj", "down_proj", "c_attn",
                                                         "c_proj",    "c_fc",    "all-linear"};
    for (const auto& m : c.lora.targetModules)
        if (std::find(loraModules.begin(), loraModules.end(), m) == loraModules.end())
            r.fail("lora_target_modules", "'" + m +
                                              "' is not a linear layer of the supported families "
                                              "(q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, "
                                              "down_proj; GPT-2: c_attn, c_proj, c_fc; or all-linear)");
    for (const char* key : {"lora_r", "lora_alpha", "lora_dropout", "lora_target_modules"})
        if (j.contains(key) && !c.lora.enabled) r.fail(key, "set \"use_peft\": true to train a LoRA adapter");
    if (c.evalSteps > 0 && c.evalDataset.empty())
        r.fail("eval_steps", "needs \"eval_dataset\": the dataset to evaluate on");
    const bool online = isOnline(c.algorithm);
    for (const char* key :
         {"gpo_selector", "gpo_explore_num", "gpo_resets_per_group", "gpo_max_steps", "gpo_threshold"})
        if (j.contains(key) && !(online && c.gpo))
            r.fail(key, "applies to online GPO only (algorithm grpo or ppo with \"gpo\": true)");
    if (c.algorithm != Algorithm::Ppo)
        for (const char* key : {"num_ppo_epochs", "num_mini_batches", "kl_coef", "kl_estimator", "cliprange",
                                "vf_coef", "cliprange_value", "gamma", "lam", "whiten_rewards"})
            if (j.contains(key)) r.fail(key, "a PPO setting (\"algorithm\": \"ppo\")");
    if (online) {
        if (c.dataset.empty())
            r.fail("dataset", "missing: " + algorithmName(c.algorithm) +
                                  " samples its prompts from a dataset of the project");
        if (j.contains("pairs"))
            r.fail("pairs", algorithmName(c.algorithm) + " samples its own completions; it takes a "
                                                         "dataset, not pairs");
    } else {
        for (const char* key :
             {"dataset", "limit", "num_generations", "max_completion_length", "temperature", "top_p", "top_k",
              "epsilon", "epsilon_high", "scale_rewards", "use_bias_correction_kl"})
            if (j.contains(key)) r.fail(key, "an online setting (\"algorithm\": \"grpo\" or \"ppo\")");
    }
    if (c.algorithm == Algorithm::Ppo) {
        if (!j.contains("learning_rate")) c.learningRate = 3e-6; // TRL's PPOConfig
        if (!j.contains("temperature")) c.temperature = 0.7;
        if (j.contains("num_generations"))
            r.fail("num_generations",
                   "PPO samples one completion per prompt (TRL's PPO); GRPO samples groups");
        for (const char* key :
             {"loss_type", "scale_rewards", "epsilon", "epsilon_high", "beta", "use_bias_correction_kl"})
            if (j.contains(key))
                r.fail(key,
                       "not a PPO setting (PPO: cliprange, kl_coef, vf_coef, cliprange_value, gamma, lam)");
        if (c.klEstimator != "k1" && c.klEstimator != "k3")
            r.fail("kl_estimator", "k1 or k3 (TRL's PPO), not '" + c.klEstimator + "'");
        const int64_t prompts = c.batchSize * c.gradientAccumulationSteps;
        if (prompts % c.numMiniBatches != 0)
            r.fail("num_mini_batches", "must divide the prompts of a step (per_device_train_batch_size x "
                                       "gradient_accumulation_steps = " +
                                           std::to_string(prompts) + ")");
        c.numGenerations = 1;
        return c;
    }
    if (c.algorithm == Algorithm::Grpo) {
        if (!j.contains("beta")) c.beta = 0.0; // TRL's GRPO: no KL term by default
        if (!j.contains("loss_type")) c.lossType = "dapo";
        if (c.lossType != "dapo" && c.lossType != "grpo" && c.lossType != "bnpo" && c.lossType != "dr_grpo")
            r.fail("loss_type", "GRPO's are dapo, grpo, bnpo, dr_grpo; not '" + c.lossType + "'");
        if (c.scaleRewards != "group" && c.scaleRewards != "batch" && c.scaleRewards != "none" &&
            c.scaleRewards != "rloo")
            r.fail("scale_rewards", "group, batch, none or rloo; not '" + c.scaleRewards + "'");
        if (c.batchSize % c.numGenerations != 0)
            r.fail("per_device_train_batch_size", "must be a multiple of num_generations (" +
                                                      std::to_string(c.numGenerations) +
                                                      "): whole groups a batch");
        return c;
    }
    if (c.beta <= 0) r.fail("beta", "must be above 0 for " + algorithmName(c.algorithm));
    if (c.pairs.set.empty() && c.pairs.file.empty() && c.pairs.build.is_null())
        r.fail("pairs", "missing: name a pair set, a {\"file\": PATH}, or {\"from\": \"gpo\"} to build one");
    if (c.algorithm == Algorithm::Dpo) {
        const DpoLossType type = [&] {
            try {
                return dpoLossType(c.lossType);
            } catch (const std::invalid_argument& e) {
                r.fail("loss_type", e.what());
            }
        }();
        if (type == DpoLossType::Sigmoid && c.labelSmoothing > 0)
            r.fail("label_smoothing",
                   "TRL 0.29+ ignores it for sigmoid DPO: use loss_type cdpo (TRL <= 0.28, "
                   "OpenRLHF) or robust");
        if (type == DpoLossType::Robust && c.labelSmoothing >= 0.5)
            r.fail("label_smoothing", "must be below 0.5");
    } else if (j.contains("loss_type")) {
        r.fail("loss_type", "only DPO and GRPO have loss types");
    }
    if (c.algorithm != Algorithm::Dpo && j.contains("rpo_alpha"))
        r.fail("rpo_alpha", "a DPO setting (its chosen-NLL term)");
    return c;
}

TrainConfig TrainConfig::load(const std::string& path) {
    return fromJson(readJsonDocument(path), path);
}

nlohmann::json TrainConfig::toJson() const {
    nlohmann::json pairsJson = !pairs.set.empty()    ? nlohmann::json(pairs.set)
                               : !pairs.file.empty() ? nlohmann::json{{"file", pairs.file}}
                                                     : pairs.build;
    nlohmann::json j{{"algorithm", algorithmName(algorithm)},
                     {"gpo", gpo},
                     {"run_name", runName},
                     {"policy", policy},
                     {"reference", reference},
                     {"output_name", outputName},
                     {"pairs", pairsJson},
                     {"learning_rate", learningRate},
                     {"per_device_train_batch_size", batchSize},
                     {"gradient_accumulation_steps", gradientAccumulationSteps},
                     {"max_steps", maxSteps},
                     {"num_train_epochs", numTrainEpochs},
                     {"warmup_steps", warmupSteps},
                     {"warmup_ratio", warmupRatio},
                     {"lr_scheduler_type", lrSchedulerType},
                     {"train_sampling_strategy", trainSamplingStrategy},
                     {"max_grad_norm", maxGradNorm},
                     {"weight_decay", weightDecay},
                     {"adam_beta1", adamBeta1},
                     {"adam_beta2", adamBeta2},
                     {"adam_epsilon", adamEpsilon},
                     {"seed", seed},
                     {"max_length", maxLength},
                     {"save_steps", saveSteps},
                     {"logging_steps", loggingSteps},
                     {"device", device},
                     {"threads", threads},
                     {"bf16", bf16},
                     {"eval_dataset", evalDataset},
                     {"eval_limit", evalLimit},
                     {"eval_steps", evalSteps},
                     {"metric_for_best_model", metricForBestModel},
                     {"greater_is_better", greaterIsBetter},
                     {"max_sampled_tokens", maxSampledTokens},
                     {"beta", beta},
                     {"label_smoothing", labelSmoothing},
                     {"desirable_weight", desirableWeight},
                     {"undesirable_weight", undesirableWeight},
                     {"simpo_gamma", simpoGamma},
                     {"cpo_alpha", cpoAlpha}};
    if (algorithm == Algorithm::Dpo) {
        j["loss_type"] = lossType;
        j["ipo_normalize"] = ipoNormalize;
        j["rpo_alpha"] = rpoAlpha;
    }
    if (lora.enabled)
        j.update({{"use_peft", true},
                  {"lora_r", lora.r},
                  {"lora_alpha", lora.alpha},
                  {"lora_dropout", lora.dropout},
                  {"lora_target_modules", lora.targetModules}});
    if (isOnline(algorithm)) {
        j.erase("pairs");
        j.update({{"dataset", dataset},
                  {"limit", limit},
                  {"num_generations", numGenerations},
                  {"max_completion_length", maxCompletionLength},
                  {"temperature", temperature},
                  {"top_p", topP},
                  {"top_k", topK},
                  {"epsilon", epsilon},
                  {"epsilon_high", epsilonHigh},
                  {"scale_rewards", scaleRewards}});
        if (algorithm == Algorithm::Grpo) {
            j["loss_type"] = lossType;
            j["use_bias_correction_kl"] = useBiasCorrectionKl;
        }
        if (gpo)
            j.update({{"gpo_selector", gpoOnline.selector},
                      {"gpo_explore_num", gpoOnline.rollouts},
                      {"gpo_resets_per_group", gpoOnline.resetsPerGroup},
                      {"gpo_max_steps", gpoOnline.maxSteps},
                      {"gpo_threshold", gpoOnline.threshold}});
    }
    if (algorithm == Algorithm::Ppo) {
        for (const char* key : {"num_generations", "epsilon", "epsilon_high", "scale_rewards", "beta"})
            j.erase(key);
        j.update({{"num_ppo_epochs", numPpoEpochs},
                  {"num_mini_batches", numMiniBatches},
                  {"kl_coef", klCoef},
                  {"kl_estimator", klEstimator},
                  {"cliprange", cliprange},
                  {"vf_coef", vfCoef},
                  {"cliprange_value", cliprangeValue},
                  {"gamma", gamma},
                  {"lam", lam},
                  {"whiten_rewards", whitenRewards}});
    }
    return j;
}

} // namespace gpo::train
