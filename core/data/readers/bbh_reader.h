#pragma once
#include "data/reader.h"

namespace gpo {

/// BIG-Bench Hard: one JSON object per task file, {"canary", "examples": [{"input", "target"}]}.
class BbhReader final : public DatasetReader {
public:
    std::string name() const override { return "bbh"; }
    std::string description() const override {
        return "BIG-Bench Hard task JSON ({examples: [{input, target}]})";
    }
    std::string defaultVerifier() const override { return "exact"; }
    std::vector<std::string> fileExtensions() const override { return {".json"}; }
    void read(const std::string& path, const ReadContext& ctx, const RecordSink& sink,
              ReadReport& report) const override;
};

} // namespace gpo
