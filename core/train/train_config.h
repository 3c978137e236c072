#pragma once
// A training run's configuration (run.json), with TRL's key names and defaults where TRL has them, so
// a TRL user's settings mean the same here. Every key is checked before anything runs: an unknown key,
// a value of the wrong type or out of range is refused with the key and the file named.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace gpo::train {

enum class Algorithm { Dpo, Kto, Simpo, Orpo, Grpo, Ppo };

/// Where the pairs come from: an existing pair set, a TRL JSONL file, or a set built for the run.
struct PairSource {
    std::string set;      ///< a pair set of the project
    std::string file;     ///< TRL preference or KTO JSONL
    nlohmann::json build; ///< {"from": "gpo" | "random-reset" | "whole", ...}: gpo pairs build's options
};

/// LoRA, with TRL's script names (use_peft, lora_r, ...) and PEFT's defaults.
struct LoraSettings {
    bool enabled = false; ///< use_peft
    int64_t r = 16;       ///< lora_r
    double alpha = 32;    ///< lora_alpha
    double dropout = 0.05;
    std::vector<std::string> targetModules = {"q_proj", "v_proj"}; ///< lora_target_modules
};

/// GPO in online training: failed samples are reset at their critical step (../DESIGN.md, "GPO reset").
struct OnlineGpoSettings {
    std::string selector = "binary-search"; ///< gpo_selector: which step is critical
    int64_t rollouts = 4;                   ///< gpo_explore_num: K rollouts per probed prefix
    int64_t resetsPerGroup = 1;             ///< gpo_resets_per_group: failed samples reset per prompt
    int64_t maxSteps = 30;                  ///< gpo_max_steps: steps a completion is cut into at most
    double threshold = 0.0;                 ///< gpo_threshold: a prefix counts as lost at or below it
};

struct TrainConfig {
    Algorithm algorithm = Algorithm::Dpo;
    /// Offline: informational (the pairs come from critical steps). Online (GRPO, PPO): reset failed
    /// samples at their critical step and add the reset samples to the batch.
    bool gpo = false;
    std::string runName;    ///< default: from the algorithm and the pairs
    std::string policy;     ///< a project policy name or a checkpoint folder; empty: the default policy
    std::string reference;  ///< the reference policy; empty: the policy's starting weights
    std::string outputName; ///< the name the final policy is registered under; default: the run name
    PairSource pairs;

    // Optimisation (TRL / transformers TrainingArguments names).
    double learningRate = 1e-6; ///< TRL's DPO/KTO/CPO/ORPO default
    int64_t batchSize = 8;      ///< per_device_train_batch_size: pairs per micro-batch
    int64_t gradientAccumulationSteps = 1;
    int64_t maxSteps = -1; ///< -1: num_train_epochs over the data
    double numTrainEpochs = 1.0;
    int64_t warmupSteps = 0;
    double warmupRatio = 0.0;
    std::string lrSchedulerType = "linear";       ///< linear (transformers' default), cosine, constant
    std::string trainSamplingStrategy = "random"; ///< random (a seeded shuffle per epoch) or sequential
    double maxGradNorm = 1.0;
    double weightDecay = 0.0;
    double adamBeta1 = 0.9, adamBeta2 = 0.999, adamEpsilon = 1e-8;
    uint64_t seed = 42;
    int64_t maxLength = 1024; ///< prompt + completion tokens; longer pairs keep the start (TRL keep_start)
    int64_t saveSteps = 50;
    int64_t loggingSteps = 10;
    std::string device = "auto";
    int threads = 0;
    bool bf16 = false; ///< bfloat16 autocast of the forward passes (CUDA; CPU where LibTorch has it)
    LoraSettings lora;

    // Evaluation during training and the best checkpoint (transformers' names where it has them).
    std::string evalDataset;                        ///< greedy pass@1 on this dataset of the project
    int64_t evalLimit = 0;                          ///< its first N problems (0: all)
    int64_t evalSteps = 0;                          ///< every N steps (0: after the last step only)
    std::string metricForBestModel = "eval/pass@1"; ///< outDir/best keeps the best by this metric
    bool greaterIsBetter = true;
    /// Stop once this many tokens have been sampled from the policy (0: no budget): gives two methods
    /// the same sampling budget.
    int64_t maxSampledTokens = 0;

    // Online (GRPO): prompts from a dataset of the project, G sampled completions each.
    std::string dataset;        ///< the prompts' dataset
    int64_t limit = 0;          ///< its first N problems (0: all)
    int64_t numGenerations = 8; ///< G, TRL's num_generations
    int64_t maxCompletionLength = 256;
    double temperature = 1.0, topP = 1.0;
    int64_t topK = 0;
    double epsilon = 0.2, epsilonHigh = -1; ///< the clip range; epsilon_high < 0: epsilon
    std::string scaleRewards = "group";     ///< group, batch, none, rloo
    /// GRPO: the KL term times the importance ratio, so its gradient is the unbiased reverse-KL one
    /// (DeepSeek-V3.2; TRL 1.x's default, TRL 0.x had none).
    bool useBiasCorrectionKl = true;
    OnlineGpoSettings gpoOnline;

    // PPO (TRL's PPOConfig names and defaults): one sample per prompt, a value head on the policy.
    int64_t numPpoEpochs = 4;
    int64_t numMiniBatches = 1;
    double klCoef = 0.05;
    std::string klEstimator = "k1";
    double cliprange = 0.2, vfCoef = 0.1, cliprangeValue = 0.2;
    double gamma = 1.0, lam = 0.95;
    bool whitenRewards = false;

    // The losses' own settings.
    double beta = 0.1;                ///< GRPO's default is 0 (no KL term, no reference), as TRL's
    std::string lossType = "sigmoid"; ///< DPO: sigmoid, cdpo, … ; GRPO: dapo (default), grpo, bnpo, dr_grpo
    double labelSmoothing = 0.0;
    bool ipoNormalize = true;
    double rpoAlpha = 0.0; ///< DPO: weight of the chosen NLL (RPO; TRL ≤ 0.28's rpo_alpha)
    double desirableWeight = 1.0, undesirableWeight = 1.0; ///< KTO
    double simpoGamma = 0.5, cpoAlpha = 1.0;               ///< SimPO

    /// Reads and checks run.json (`where` names it in errors: a file path).
    static TrainConfig fromJson(const nlohmann::json& j, const std::string& where);
    static TrainConfig load(const std::string& path);
    nlohmann::json toJson() const;
};

std::string algorithmName(Algorithm a);
/// GRPO and PPO sample their own completions from a dataset's prompts.
bool isOnline(Algorithm a);

} // namespace gpo::train
