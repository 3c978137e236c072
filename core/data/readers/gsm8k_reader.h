#pragma once
#include "data/reader.h"

namespace gpo {

/// GSM8K JSONL: {"question", "answer"}; the answer is a worked solution ending in "#### N".
class Gsm8kReader final : public DatasetReader {
public:
    std::string name() const override { return "gsm8k"; }
    std::string description() const override { return "GSM8K JSONL (question, answer with '#### N')"; }
    std::string defaultVerifier() const override { return "gsm8k"; }
    void read(const std::string& path, const ReadContext& ctx, const RecordSink& sink,
              ReadReport& report) const override;
};

/// The solution text without GSM8K's calculator annotations "<<48/2=24>>".
std::string stripCalculatorAnnotations(std::string_view solution);

} // namespace gpo
