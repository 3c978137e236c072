#pragma once
// The demo policy, reproducible from a seed: a byte-level BPE tokenizer trained on the demo task's
// training split, a small Qwen2-style model initialised from the seed, and the project's own SFT on the
// task's worked solutions. Greedy pass@1 on the test split is the figure that says it is "sometimes right".
#include "model/initialize.h"
#include "train/sft.h"

#include <cstdint>
#include <string>

namespace gpo::model {
class Policy;
}

namespace gpo::train {

struct DemoPolicyOptions {
    uint64_t seed = 1;
    std::string outDir;
    int32_t vocab = 512;
    model::SmallModelShape shape{512, 192, 4, 4, 2, 512, 512, true};
    SftOptions sft; // steps, batch, learning rate...; outDir and resume come from here too
    int64_t tokenizerExamples = 2000;
};

/// Trains the demo policy into `options.outDir` (a Hugging Face checkpoint folder).
SftResult trainDemoPolicy(const DemoPolicyOptions& options, const MetricsSink& metrics);

struct DemoEvaluation {
    int64_t problems = 0, correct = 0;
    double passAt1() const {
        return problems ? static_cast<double>(correct) / static_cast<double>(problems) : 0;
    }
};

/// Greedy pass@1 of `policy` on the first `count` problems of a demo split.
DemoEvaluation evaluateOnDemoTask(model::Policy& policy, const std::string& split, int64_t count,
                                  uint64_t seed, int64_t batchSize = 64);

} // namespace gpo::train
