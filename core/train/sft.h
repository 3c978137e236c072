#pragma once
// Supervised fine-tuning: next-token cross-entropy on the completion part of each example, with AdamW,
// gradient clipping, warm-up + cosine learning rate, gradient accumulation, checkpoints that resume
// exactly, and metrics as JSON lines. The GPO trainers reuse its pieces.
#include <cstdint>
#include <functional>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

namespace gpo::model {
class Policy;
}

namespace gpo::train {

struct SftExample {
    std::vector<int32_t> tokens;
    int64_t promptTokens = 0; // the loss counts only tokens after these
};

/// Example `index` of the training stream: the same index always gives the same example, so a resumed
/// run sees exactly the data it would have seen.
using ExampleSource = std::function<SftExample(int64_t index)>;
using MetricsSink = std::function<void(const nlohmann::json&)>;

struct SftOptions {
    int64_t steps = 1000;
    int64_t batchSize = 16;
    int64_t accumulation = 1; // micro-batches per optimizer step
    double lr = 1e-3, minLr = 1e-4;
    int64_t warmup = 50;
    double weightDecay = 0.1;
    double clip = 1.0;
    int64_t checkpointEvery = 200;
    int64_t logEvery = 10;
    std::string outDir; // checkpoint folder (a Hugging Face checkpoint + optimizer and trainer state)
    bool resume = false;
};

/// Learning rate at optimizer step `step` (0-based): linear warm-up, then cosine down to minLr.
double learningRate(const SftOptions& o, int64_t step);

struct SftResult {
    int64_t steps = 0;
    double loss = 0; // mean loss of the last logged interval
    double seconds = 0;
};

/// Trains `policy` in place. With `resume`, continues from outDir's checkpoint (model and optimizer).
SftResult runSft(model::Policy& policy, const ExampleSource& source, const SftOptions& options,
                 const MetricsSink& metrics);

/// Writes the policy, the optimizer state and `state` into `dir` so that a kill never leaves a mix of
/// old and new files (a staging folder is renamed into place).
void writeCheckpoint(const model::Policy& policy, const std::string& dir,
                     const std::function<void(const std::string&)>& extra);
/// The same with the weights written by `weights` (a LoRA adapter, a policy with its value head).
void writeCheckpoint(const std::function<void(const std::string&)>& weights, const std::string& dir,
                     const std::function<void(const std::string&)>& extra);

} // namespace gpo::train
