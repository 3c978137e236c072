#pragma once
#include "data/reader.h"

namespace gpo {

/// Hendrycks MATH: one JSON file per problem ({problem, level, type, solution}), in
/// <split>/<subject>/<n>.json folders; a folder is read recursively, files in name order.
class MathReader final : public DatasetReader {
public:
    std::string name() const override { return "math"; }
    std::string description() const override {
        return "MATH: one JSON per problem in <split>/<subject>/ (folder or files)";
    }
    std::string defaultVerifier() const override { return "math"; }
    bool readsFolders() const override { return true; }
    void read(const std::string& path, const ReadContext& ctx, const RecordSink& sink,
              ReadReport& report) const override;
};

/// MATH-500 JSONL: {problem, solution, answer, subject, level, unique_id}.
class Math500Reader final : public DatasetReader {
public:
    std::string name() const override { return "math500"; }
    std::string description() const override {
        return "MATH-500 JSONL (problem, solution, answer, subject, level, unique_id)";
    }
    std::string defaultVerifier() const override { return "math"; }
    void read(const std::string& path, const ReadContext& ctx, const RecordSink& sink,
              ReadReport& report) const override;
};

} // namespace gpo
