#include "data/readers/jsonl_reader.h"

#include "data/json_source.h"
#include "data/readers/reader_util.h"

#include <nlohmann/json.hpp>

namespace gpo {

void JsonlReader::read(const std::string& path, const ReadContext& ctx, const RecordSink& sink,
                       ReadReport& report) const {
    forEachJsonRecord(path, ctx, report, [&](const nlohmann::json& j, int64_t line) {
        ReadRecord r;
        r.record.line = line;
        Problem& p = r.record.problem;
        p.question = requireString(j, "problem");
        p.answer = requireScalarText(j, "answer");
        p.sourceId = optionalString(j, "id", readers::fileStem(path) + ":" + std::to_string(line));
        p.verifier = optionalString(j, "verifier");
        p.subject = optionalString(j, "subject");
        p.split = optionalString(j, "split");
        r.dataset = optionalString(j, "dataset");

        const bool hasSteps = j.contains("steps") && !j["steps"].is_null();
        const bool hasResponse = j.contains("response") && !j["response"].is_null();
        if (hasSteps && hasResponse) throw FieldError("give either 'steps' or 'response', not both");
        if (hasSteps || hasResponse) {
            Trajectory t;
            if (hasSteps) {
                const auto steps = requireStringList(j, "steps");
                if (steps.empty()) throw FieldError("field 'steps' is empty");
                t = trajectoryFromSteps(steps, "\n");
            } else {
                t = readers::segmentedTrajectory(requireString(j, "response"), ctx, "");
                if (t.steps.empty()) throw FieldError("field 'response' is empty");
            }
            t.source = optionalString(j, "model", "unknown");
            if (auto it = j.find("step_labels"); it != j.end() && !it->is_null()) {
                if (!it->is_array() || it->size() != t.steps.size())
                    throw FieldError("field 'step_labels' must be a list with one label per step (" +
                                     std::to_string(t.steps.size()) + ")");
                for (size_t i = 0; i < it->size(); ++i) {
                    const auto& l = (*it)[i];
                    if (l.is_null()) continue;
                    if (!l.is_number_integer() || l.get<int>() < -1 || l.get<int>() > 1)
                        throw FieldError("step_labels[" + std::to_string(i) + "] must be -1, 0, 1 or null");
                    t.steps[i].label = l.get<int>();
                }
            }
            if (auto it = j.find("first_error"); it != j.end() && !it->is_null())
                t.firstError = requireStepIndex(*it, "first_error", t.steps.size());
            if (auto it = j.find("correct"); it != j.end() && it->is_boolean())
                t.labeledCorrect = it->get<bool>();
            r.record.trajectories.push_back(std::move(t));
        }
        sink(std::move(r));
        ++report.records;
    });
}

} // namespace gpo
