#include "data/readers/aime_reader.h"

#include "data/json_source.h"
#include "data/readers/reader_util.h"

#include <nlohmann/json.hpp>

namespace gpo {

void AimeReader::read(const std::string& path, const ReadContext& ctx, const RecordSink& sink,
                      ReadReport& report) const {
    forEachJsonRecord(path, ctx, report, [&](const nlohmann::json& j, int64_t line) {
        ReadRecord r;
        r.record.line = line;
        Problem& p = r.record.problem;
        p.question = j.contains("problem") ? requireString(j, "problem") : requireString(j, "question");
        p.answer = requireScalarText(j, "answer");
        p.sourceId = optionalString(j, "id", std::to_string(line));
        p.subject = optionalString(j, "url");
        p.split = "test";
        const std::string solution = optionalString(j, "solution");
        if (!solution.empty()) r.record.trajectories.push_back(readers::segmentedTrajectory(solution, ctx));
        sink(std::move(r));
        ++report.records;
    });
}

} // namespace gpo
