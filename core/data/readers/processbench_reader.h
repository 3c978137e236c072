#pragma once
#include "data/reader.h"

namespace gpo {

/// ProcessBench JSON: [{id, generator, problem, steps, final_answer_correct, label}], label = earliest wrong
/// step (-1 when none). It ships no reference answers: the store takes them from the same problem in
/// another dataset of the project (GSM8K / MATH test) when there is one.
class ProcessBenchReader final : public DatasetReader {
public:
    std::string name() const override { return "processbench"; }
    std::string description() const override {
        return "ProcessBench JSON (steps, earliest-error label, final_answer_correct)";
    }
    std::string defaultVerifier() const override { return "math"; }
    void read(const std::string& path, const ReadContext& ctx, const RecordSink& sink,
              ReadReport& report) const override;
};

} // namespace gpo
