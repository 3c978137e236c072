#pragma once
// A training run's configuration (run.json), with TRL's key names and defaults where TRL has them, so
// a TRL user's settings mean the same here. Every key is checked before anything runs: an unknown key,
// a value of the wrong type or out of range is refused with the key and the file named.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace gpo::train {

enum class Algorithm { Dpo, Kto, Simpo, Orpo, Grpo };

/// Where the pairs come from: an existing pair set, a TRL JSONL file, or a set built for the run.
struct PairSource {
    std::string set;      ///< a pair set of the project
    std::string file;     ///< TRL preference or KTO JSONL
    nlohmann::json build; ///< {"from": "gpo" | "random-reset" | "whole", ...}: gpo pairs build's options
};

struct TrainConfig {
    Algorithm algorithm = Algorithm::Dpo;
    bool gpo = false;       ///< informational: the pairs come from critical steps (preset names)
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
    std::string lrSchedulerType = "linear"; ///< linear (transformers' default), cosine, constant
    double maxGradNorm = 1.0;
    double weightDecay = 0.0;
    double adamBeta1 = 0.9, adamBeta2 = 0.999, adamEpsilon = 1e-8;
    uint64_t seed = 42;
    int64_t maxLength = 1024; ///< prompt + completion tokens; longer pairs keep the start (TRL keep_start)
    int64_t saveSteps = 50;
    int64_t loggingSteps = 10;
    std::string device = "auto";
    int threads = 0;

    // Online (GRPO): prompts from a dataset of the project, G sampled completions each.
    std::string dataset;        ///< the prompts' dataset
    int64_t limit = 0;          ///< its first N problems (0: all)
    int64_t numGenerations = 8; ///< G, TRL's num_generations
    int64_t maxCompletionLength = 256;
    double temperature = 1.0, topP = 1.0;
    int64_t topK = 0;
    double epsilon = 0.2, epsilonHigh = -1; ///< the clip range; epsilon_high < 0: epsilon
    std::string scaleRewards = "group";     ///< group, batch, none, rloo

    // The losses' own settings.
    double beta = 0.1;                ///< GRPO's default is 0 (no KL term, no reference), as TRL's
    std::string lossType = "sigmoid"; ///< DPO: sigmoid, cdpo, … ; GRPO: dapo (default), grpo, bnpo, dr_grpo
    double labelSmoothing = 0.0;
    bool ipoNormalize = true;
    double desirableWeight = 1.0, undesirableWeight = 1.0; ///< KTO
    double simpoGamma = 0.5, cpoAlpha = 0.0;               ///< SimPO

    /// Reads and checks run.json (`where` names it in errors: a file path).
    static TrainConfig fromJson(const nlohmann::json& j, const std::string& where);
    static TrainConfig load(const std::string& path);
    nlohmann::json toJson() const;
};

std::string algorithmName(Algorithm a);

} // namespace gpo::train
