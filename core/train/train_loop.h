#pragma once
// The optimizer-step loop every trainer shares. A trainer supplies what one step computes (its forward
// and backward passes, and when to apply the gradients); the loop does the rest the same way for all:
// AdamW over the trainable tensors, the learning-rate schedule, gradient clipping, metrics averaged over
// each logging interval (as TRL logs them), evaluation every eval_steps with the best checkpoint kept,
// a sampled-token budget, checkpoints every save_steps and at a stop, the final weights, and an exact
// resume: a checkpoint holds the step, the optimizer's moments, the logging interval in progress, the
// best evaluation so far and the trainer's own state, so a resumed run computes what an uninterrupted
// one does.
#include "train/adamw.h"
#include "train/train_config.h"

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace gpo::model {
class Policy;
}

namespace gpo::train {

class ProcessGroup;

/// What one optimizer step (or, for PPO, one rollout batch and its updates) reports.
struct StepReport {
    std::map<std::string, double> metrics; ///< already averaged over the step's micro-batches
    int64_t tokens = 0;                    ///< tokens its forward passes read (num_tokens, tokens_per_s)
    int64_t sampledTokens = 0;             ///< tokens it sampled from the policy (online training)
};

/// Clips the gradients, applies them at the step's learning rate and zeroes them; returns the gradient
/// norm before clipping. A step calls it once (PPO: once per mini-batch).
using ApplyGradients = std::function<double()>;

struct TrainLoopOptions {
    std::string outDir;  ///< outDir/checkpoint (the last), outDir/final, outDir/best
    bool resume = false; ///< continue from outDir/checkpoint
    std::function<void(const nlohmann::json&)> metrics; ///< one object per logging step (TRL's names)
    std::function<bool()> cancelled;                    ///< checked after every step
    /// Evaluates the policy as it stands (eval/… metrics); called every eval_steps and after the last step.
    std::function<std::map<std::string, double>()> evaluate;
    /// Writes the trained weights into a checkpoint folder; default: saveTrainedWeights (the policy, or
    /// its LoRA adapter). PPO adds its value head.
    std::function<void(const std::string& dir)> saveWeights;
    /// Writes the final policy (a plain checkpoint that gpo eval can load); default: the policy with any
    /// LoRA adapter merged in.
    std::function<void(const std::string& dir)> saveFinal;
    /// Data-parallel ranks (null: one process). The loop averages gradients and metrics over them and
    /// stops them together; rank 0 alone logs, evaluates and writes checkpoints.
    std::shared_ptr<ProcessGroup> group;
};

struct TrainLoopResult {
    int64_t steps = 0; ///< optimizer steps done in all (this call and those before a resume)
    int64_t maxSteps = 0;
    int64_t sampledTokens = 0;
    bool cancelled = false;
    bool budgetReached = false; ///< stopped by max_sampled_tokens before max_steps
    nlohmann::json last;        ///< the last logged metrics
    nlohmann::json best;        ///< {"step", "metric", "value"} of the best evaluation, when any ran
    double seconds = 0;
};

/// What every trainer takes: the loop's options and, for the algorithms that have one, the reference.
struct TrainerOptions : TrainLoopOptions {
    /// Loads the reference policy when the run needs one (and has no stored reference log-probs yet).
    std::function<std::unique_ptr<model::Policy>()> loadReference;
    /// Told what the trainer does before its first step, with its progress ("scoring the reference",
    /// examples done of total), so a run that has logged nothing yet does not look stuck.
    std::function<void(const std::string& stage, int64_t done, int64_t total)> stage;
};

/// What every trainer returns.
struct TrainResult {
    int64_t steps = 0; ///< optimizer steps done in all (this call and those before a resume)
    int64_t maxSteps = 0;
    int64_t examples = 0; ///< pairs (or KTO examples, or prompts) trained on
    int64_t skipped = 0;  ///< pairs left out: no completion token fits in max_length, or unpaired for DPO
    int64_t sampledTokens = 0;
    bool cancelled = false;
    nlohmann::json last; ///< the last logged metrics
    nlohmann::json best; ///< the best evaluation's {"step", "metric", "value"}, when any ran
    double seconds = 0;

    /// Takes what the loop reports; `seconds` counts from `started`, the trainer's own preparation included.
    void take(const TrainLoopResult& run, std::chrono::steady_clock::time_point started);
};

class TrainLoop {
public:
    /// Reads the checkpoint when resuming. `examples` and `examplesPerStep` give the epoch.
    TrainLoop(model::Policy& policy, const TrainConfig& config, TrainLoopOptions options, int64_t maxSteps,
              std::vector<at::Tensor> parameters, int64_t examples, int64_t examplesPerStep);

    /// The step the run goes on from (0 for a fresh run).
    int64_t startStep() const { return start_; }
    /// The trainer's own state as the checkpoint holds it (null for a fresh run).
    const nlohmann::json& trainerState() const { return trainerState_; }
    /// The checkpoint folder a resumed run reads its other files from.
    std::string checkpointDir() const;

    /// Runs steps startStep() … maxSteps-1. `step` computes optimizer step s and applies the gradients
    /// through `apply`; `state` returns what the trainer needs to resume (saved with each checkpoint).
    TrainLoopResult run(const std::function<StepReport(int64_t step, const ApplyGradients& apply)>& step,
                        const std::function<nlohmann::json()>& state = {});

private:
    void save(const std::string& dir, int64_t step, const nlohmann::json& state);
    void writeWeights(const std::string& dir) const;

    model::Policy& policy_;
    const TrainConfig& c_;
    TrainLoopOptions o_;
    int64_t maxSteps_, examples_, perStep_;
    std::vector<at::Tensor> params_;
    AdamW optimizer_;
    int64_t start_ = 0, numTokens_ = 0, sampledTokens_ = 0;
    nlohmann::json interval_ = nlohmann::json::object(), best_, trainerState_;
};

/// Writes what a run trains into a checkpoint folder: the LoRA adapter in PEFT's layout when one is
/// attached (its base named by absolute path), else the whole policy.
void saveTrainedWeights(const model::Policy& policy, const std::string& dir);

/// The learning rate at optimizer step `step` (0-based) of `total`, as transformers' schedulers give it.
double scheduledLearningRate(const TrainConfig& config, int64_t step, int64_t total);

/// Steps to run: max_steps, else num_train_epochs over `examples` at `perStep` examples a step.
int64_t plannedSteps(const TrainConfig& config, int64_t examples, int64_t perStep);

} // namespace gpo::train
