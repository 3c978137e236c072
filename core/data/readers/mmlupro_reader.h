#pragma once
#include "data/reader.h"

namespace gpo {

/// MMLU-Pro as published (Parquet: question_id, question, options, answer, answer_index, cot_content,
/// category, src) or its JSONL export with the same fields. A non-empty cot_content (the validation
/// split's worked chain of thought) is stored as a reference trajectory.
class MmluProReader final : public DatasetReader {
public:
    std::string name() const override { return "mmlupro"; }
    std::string description() const override {
        return "MMLU-Pro Parquet (Snappy) or JSONL (question, options, answer, ...)";
    }
    std::string defaultVerifier() const override { return "choice"; }
    std::vector<std::string> fileExtensions() const override { return {".parquet", ".jsonl", ".json"}; }
    std::string fewShotSplit(const std::string& path) const override;
    void read(const std::string& path, const ReadContext& ctx, const RecordSink& sink,
              ReadReport& report) const override;
};

} // namespace gpo
