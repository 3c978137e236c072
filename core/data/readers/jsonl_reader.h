#pragma once
#include "data/reader.h"

namespace gpo {

/// Generic trajectories, one JSON object a line:
///   problem (string), answer (reference final answer) — required;
///   steps (list of strings) or response (one text, split by the segmenter);
///   optional id, model, dataset, verifier (math|gsm8k|choice|exact), step_labels (-1/0/1 per step),
///   first_error (index, -1 when none), correct (bool: an outside verdict on the final answer).
class JsonlReader final : public DatasetReader {
public:
    std::string name() const override { return "jsonl"; }
    std::string description() const override {
        return "generic trajectories JSONL (problem, answer, steps|response, ...)";
    }
    std::string defaultVerifier() const override { return "math"; }
    void read(const std::string& path, const ReadContext& ctx, const RecordSink& sink,
              ReadReport& report) const override;
};

} // namespace gpo
