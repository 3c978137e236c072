#pragma once
#include "data/reader.h"

namespace gpo {

/// MMLU CSV: no header; question, A, B, C, D, answer letter; subject and split from "<subject>_<split>.csv".
class MmluReader final : public DatasetReader {
public:
    std::string name() const override { return "mmlu"; }
    std::string description() const override {
        return "MMLU CSV (no header: question,A,B,C,D,answer; subject from file name)";
    }
    std::string defaultVerifier() const override { return "choice"; }
    std::vector<std::string> fileExtensions() const override { return {".csv"}; }
    std::string fewShotSplit(const std::string& path) const override;
    void read(const std::string& path, const ReadContext& ctx, const RecordSink& sink,
              ReadReport& report) const override;
};

} // namespace gpo
