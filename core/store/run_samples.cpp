#include "store/run_samples.h"

#include "util/input_error.h"

#include <filesystem>
#include <fstream>

namespace gpo {
namespace {

RunSample sampleFrom(const nlohmann::json& j) {
    RunSample s;
    s.step = j.at("step").get<int64_t>();
    s.problemId = j.value("problem_id", int64_t(0));
    s.index = j.value("index", int64_t(0));
    s.completion = j.value("completion", std::string());
    s.finish = j.value("finish", std::string());
    s.reward = j.value("reward", 0.0);
    if (const auto r = j.find("reset"); r != j.end() && r->is_object()) {
        s.isReset = true;
        s.resetOf = r->value("of", int64_t(0));
        s.criticalStep = r->value("critical_step", int64_t(0));
        s.completionSteps = r->value("steps", int64_t(0));
    }
    return s;
}

} // namespace

std::string runSamplesPath(const std::string& runFolder) {
    return (std::filesystem::path(runFolder) / "samples.jsonl").string();
}

size_t RunSamplesIndex::refresh() {
    std::error_code ec;
    const auto size = static_cast<int64_t>(std::filesystem::file_size(path_, ec));
    if (ec) return 0;
    if (size < readTo_) { // rewritten (a resumed run keeps the lines up to its checkpoint)
        readTo_ = 0;
        lines_ = 0;
        byStep_.clear();
    }
    std::ifstream in(path_, std::ios::binary);
    in.seekg(readTo_);
    size_t found = 0;
    std::string line;
    while (true) {
        const int64_t offset = in.tellg();
        if (!std::getline(in, line)) break;
        if (in.eof()) break; // a line still being written: read it next time
        ++lines_;
        readTo_ = in.tellg();
        // The index needs only the step: the last key of the line (nlohmann::json writes keys in order), so
        // the completion's text cannot be mistaken for it.
        const auto at = line.rfind("\"step\":");
        if (at == std::string::npos) continue;
        byStep_[std::strtoll(line.c_str() + at + 7, nullptr, 10)].push_back({offset, lines_});
        ++found;
    }
    return found;
}

std::vector<int64_t> RunSamplesIndex::steps() const {
    std::vector<int64_t> out;
    for (const auto& [step, spans] : byStep_)
        out.push_back(step);
    return out;
}

std::vector<RunSample> RunSamplesIndex::samplesAt(int64_t step) const {
    const auto it = byStep_.find(step);
    if (it == byStep_.end()) return {};
    std::ifstream in(path_, std::ios::binary);
    std::vector<RunSample> out;
    std::string line;
    for (const Span& span : it->second) {
        in.clear();
        in.seekg(span.offset);
        std::getline(in, line);
        try {
            out.push_back(sampleFrom(nlohmann::json::parse(line)));
        } catch (const std::exception& e) {
            throw InputError(path_, span.line, std::string("not a sample: ") + e.what(), span.offset);
        }
    }
    return out;
}

} // namespace gpo
