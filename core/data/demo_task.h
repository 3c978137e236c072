#pragma once
// The demo task: procedural multi-step arithmetic word problems (GSM8K-like, 3-8 reasoning steps,
// verifiable integer answers), reproducible from a seed, with train and test splits drawn from separate
// seed streams. It can plant a first error at a chosen step, so that critical-step selectors can be
// checked against a known answer.
#include "data/types.h"

#include <cstdint>
#include <string>
#include <vector>

namespace gpo {

struct DemoProblem {
    std::string question;
    std::vector<std::string> steps; // the worked solution, one step a line
    int64_t answer = 0;             // the right answer
    int firstError = -1;            // the step where a planted error starts (-1: none)
};

/// Problem `index` of `split` ("train" or "test") for `seed`. With `plantError`, one arithmetic step
/// (never the first) gets a wrong result that the later steps carry on from.
DemoProblem demoProblem(const std::string& split, int64_t index, uint64_t seed, bool plantError = false);

/// The prompt the demo policy is trained on: the question, then "Answer:" and a newline.
std::string demoPrompt(const std::string& question);
/// The solution as the policy should write it: the steps, each ending in a newline.
std::string demoSolution(const DemoProblem& p);
/// Prompt plus solution.
std::string demoTrainingText(const DemoProblem& p);

/// A record as the importers yield it: the problem (verifier "gsm8k") and its worked solution.
Record demoRecord(const DemoProblem& p, const std::string& split, int64_t index);

/// Writes problems [first, first + count) of `split` as generic JSONL (the `jsonl` import format): one line
/// with the worked solution (model "reference") per problem, and with `plantedErrors` a second line with a
/// planted error (model "planted-error", first_error set). Returns the lines written.
int64_t writeDemoJsonl(const std::string& path, const std::string& split, int64_t count, uint64_t seed,
                       bool plantedErrors, int64_t first = 0);

} // namespace gpo
