#include "data/readers/bbh_reader.h"

#include "data/json_source.h"
#include "data/readers/reader_util.h"

#include <nlohmann/json.hpp>

namespace gpo {

void BbhReader::read(const std::string& path, const ReadContext& ctx, const RecordSink& sink,
                     ReadReport& report) const {
    const std::string task = readers::fileStem(path);
    forEachJsonRecord(path, ctx, report, [&](const nlohmann::json& j, int64_t line) {
        const auto& examples = requireField(j, "examples");
        if (!examples.is_array()) throw FieldError("field 'examples' must be a list");
        for (size_t i = 0; i < examples.size(); ++i) {
            guardRecord(path, line, ctx, report, [&] {
                const auto& e = examples[i];
                if (!e.is_object()) throw FieldError("examples[" + std::to_string(i) + "] is not an object");
                ReadRecord r;
                r.record.line = line;
                Problem& p = r.record.problem;
                p.question = requireString(e, "input");
                p.answer = requireString(e, "target");
                p.subject = task;
                p.sourceId = task + "/" + std::to_string(i);
                // Option targets such as "(A)" are graded by letter; everything else by exact match.
                const bool option = p.answer.size() == 3 && p.answer[0] == '(' && p.answer[2] == ')';
                p.verifier = option ? "choice" : "exact";
                sink(std::move(r));
                ++report.records;
            });
        }
    });
}

} // namespace gpo
