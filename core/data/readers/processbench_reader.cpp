#include "data/readers/processbench_reader.h"

#include "data/json_source.h"
#include "data/readers/reader_util.h"

#include <nlohmann/json.hpp>

namespace gpo {

void ProcessBenchReader::read(const std::string& path, const ReadContext& ctx, const RecordSink& sink,
                              ReadReport& report) const {
    forEachJsonRecord(path, ctx, report, [&](const nlohmann::json& j, int64_t line) {
        ReadRecord r;
        r.record.line = line;
        Problem& p = r.record.problem;
        p.question = requireString(j, "problem");
        p.sourceId = optionalString(j, "id", std::to_string(line));
        // "gsm8k-12" → subset gsm8k
        const size_t dash = p.sourceId.rfind('-');
        p.subject = dash == std::string::npos ? std::string() : p.sourceId.substr(0, dash);
        p.split = "test";
        // Its GSM8K records take their answers from GSM8K, and are graded as GSM8K's are.
        if (p.subject == "gsm8k") p.verifier = "gsm8k";
        p.answer = optionalString(j, "answer"); // not in the published files, but honoured when present
        const auto steps = requireStringList(j, "steps");
        if (steps.empty()) throw FieldError("field 'steps' is empty");
        Trajectory t = trajectoryFromSteps(steps);
        t.source = optionalString(j, "generator", "unknown");
        const auto& label = requireField(j, "label");
        t.firstError = requireStepIndex(label, "label", steps.size());
        if (auto it = j.find("final_answer_correct"); it != j.end() && it->is_boolean())
            t.labeledCorrect = it->get<bool>();
        r.record.trajectories.push_back(std::move(t));
        sink(std::move(r));
        ++report.records;
    });
}

} // namespace gpo
