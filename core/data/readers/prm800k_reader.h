#pragma once
#include "data/reader.h"

namespace gpo {

/// PRM800K label records (JSONL as published; a pretty-printed single record is read too):
/// question {problem, ground_truth_solution, ground_truth_answer, pre_generated_steps, pre_generated_answer},
/// label {steps: [{completions: [{text, rating, flagged}], human_completion, chosen_completion}],
/// finish_reason}. Yields the rated model solution (per-step ratings, first -1 step = first error) and the
/// ground-truth solution as a reference trajectory.
class Prm800kReader final : public DatasetReader {
public:
    std::string name() const override { return "prm800k"; }
    std::string description() const override {
        return "PRM800K labels JSONL (per-step human ratings -1/0/1)";
    }
    std::string defaultVerifier() const override { return "math"; }
    void read(const std::string& path, const ReadContext& ctx, const RecordSink& sink,
              ReadReport& report) const override;
};

} // namespace gpo
