#pragma once
// The offline trainer: DPO (and IPO and the other DPO loss types), KTO, SimPO and ORPO on preference
// pairs, with AdamW, gradient accumulation and clipping, TRL's learning-rate schedules, checkpoints in
// the Hugging Face layout with the optimizer and trainer state, and an exact resume: the data order is a
// function of (seed, epoch) alone, and the checkpoint holds the step, the optimizer's moments and the
// metrics of the logging interval in progress, so a resumed run computes what an uninterrupted one does.
#include "store/pairs.h"
#include "train/train_config.h"

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace gpo::model {
class Policy;
}

namespace gpo::train {

struct PreferenceTrainOptions {
    std::string outDir;  ///< checkpoint folder: outDir/checkpoint (the last), outDir/final
    bool resume = false; ///< continue from outDir/checkpoint
    /// Loads the reference policy when the run needs one and has no stored reference log-probs yet.
    std::function<std::unique_ptr<model::Policy>()> loadReference;
    std::function<void(const nlohmann::json&)> metrics; ///< one object per logging step (TRL's names)
    std::function<bool()> cancelled;                    ///< checked after every optimizer step
};

struct PreferenceTrainResult {
    int64_t steps = 0; ///< optimizer steps done in all (this call and those before a resume)
    int64_t maxSteps = 0;
    int64_t examples = 0; ///< pairs (or KTO examples) trained on
    int64_t skipped = 0;  ///< pairs left out: no completion token fits in max_length, or unpaired for DPO
    bool cancelled = false;
    nlohmann::json last; ///< the last logged metrics
    double seconds = 0;
};

/// Trains `policy` in place on `pairs`; the final weights are in `policy` and in outDir/final.
PreferenceTrainResult trainOnPreferences(model::Policy& policy, const std::vector<PreferencePair>& pairs,
                                         const TrainConfig& config, const PreferenceTrainOptions& options);

/// The learning rate at optimizer step `step` (0-based) of `total`, as transformers' schedulers give it.
double scheduledLearningRate(const TrainConfig& config, int64_t step, int64_t total);

} // namespace gpo::train
