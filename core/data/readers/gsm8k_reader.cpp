#include "data/readers/gsm8k_reader.h"

#include "data/answer_extraction.h"
#include "data/json_source.h"
#include "data/readers/reader_util.h"

#include <nlohmann/json.hpp>

namespace gpo {

std::string stripCalculatorAnnotations(std::string_view solution) {
    std::string out;
    out.reserve(solution.size());
    size_t i = 0;
    while (i < solution.size()) {
        if (solution.compare(i, 2, "<<") == 0) {
            const size_t close = solution.find(">>", i + 2);
            if (close != std::string_view::npos &&
                solution.substr(i, close - i).find('\n') == std::string_view::npos) {
                i = close + 2;
                continue;
            }
        }
        out.push_back(solution[i++]);
    }
    return out;
}

void Gsm8kReader::read(const std::string& path, const ReadContext& ctx, const RecordSink& sink,
                       ReadReport& report) const {
    const std::string split = readers::splitFromPath(path);
    forEachJsonRecord(path, ctx, report, [&](const nlohmann::json& j, int64_t line) {
        ReadRecord r;
        r.record.line = line;
        r.record.problem.question = requireString(j, "question");
        const std::string solution = requireString(j, "answer");
        auto final = extract::afterHashes(solution);
        if (!final) throw FieldError("field 'answer' has no final '#### <answer>' line");
        r.record.problem.answer = *final;
        r.record.problem.split = split;
        r.record.problem.sourceId = readers::fileStem(path) + ":" + std::to_string(line);
        r.record.trajectories.push_back(
            readers::segmentedTrajectory(stripCalculatorAnnotations(solution), ctx));
        sink(std::move(r));
        ++report.records;
    });
}

} // namespace gpo
