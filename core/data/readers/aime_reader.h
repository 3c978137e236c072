#pragma once
#include "data/reader.h"

namespace gpo {

/// AIME 2024/2025 JSONL: {problem (or question), answer (string or integer), id, solution?, url?}.
class AimeReader final : public DatasetReader {
public:
    std::string name() const override { return "aime"; }
    std::string description() const override {
        return "AIME JSONL (problem, answer as string or integer, id, solution?)";
    }
    std::string defaultVerifier() const override { return "math"; }
    void read(const std::string& path, const ReadContext& ctx, const RecordSink& sink,
              ReadReport& report) const override;
};

} // namespace gpo
