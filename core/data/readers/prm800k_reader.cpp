#include "data/readers/prm800k_reader.h"

#include "data/json_source.h"
#include "data/readers/reader_util.h"

#include <nlohmann/json.hpp>

namespace gpo {
namespace {

struct RatedStep {
    std::string text;
    std::optional<int> rating;
};

std::optional<int> ratingOf(const nlohmann::json& completion) {
    auto it = completion.find("rating");
    if (it == completion.end() || it->is_null()) return std::nullopt;
    if (!it->is_number_integer()) throw FieldError("a completion's 'rating' must be -1, 0, 1 or null");
    const int r = it->get<int>();
    if (r < -1 || r > 1)
        throw FieldError("a completion's 'rating' must be -1, 0 or 1, not " + std::to_string(r));
    return r;
}

/// The completion the labeller went on with at each step (or the one they wrote themselves).
std::vector<RatedStep> ratedSteps(const nlohmann::json& label) {
    std::vector<RatedStep> out;
    const auto& steps = requireField(label, "steps");
    if (!steps.is_array()) throw FieldError("field 'label.steps' must be a list");
    for (size_t i = 0; i < steps.size(); ++i) {
        const auto& s = steps[i];
        const std::string where = "label.steps[" + std::to_string(i) + "]";
        if (!s.is_object()) throw FieldError(where + " is not an object");
        if (auto h = s.find("human_completion"); h != s.end() && !h->is_null()) {
            if (h->is_string())
                out.push_back({h->get<std::string>(), std::nullopt});
            else if (h->is_object())
                out.push_back({requireString(*h, "text"), ratingOf(*h)});
            else
                throw FieldError(where + ".human_completion must be a string, an object or null");
            continue;
        }
        const auto& completions = requireField(s, "completions");
        if (!completions.is_array() || completions.empty())
            throw FieldError(where + ".completions must be a non-empty list");
        size_t chosen = 0;
        if (auto c = s.find("chosen_completion"); c != s.end() && c->is_number_integer()) {
            const auto idx = c->get<int64_t>();
            if (idx < 0 || static_cast<size_t>(idx) >= completions.size())
                throw FieldError(where + ".chosen_completion is out of range");
            chosen = static_cast<size_t>(idx);
        } else if (completions.size() > 1) {
            // No completion was chosen (the labeller stopped here): the step that ended it is the rated
            // one among the alternatives, so take the first one rated -1, else the first.
            for (size_t k = 0; k < completions.size(); ++k)
                if (ratingOf(completions[k]) == -1) {
                    chosen = k;
                    break;
                }
        }
        out.push_back({requireString(completions[chosen], "text"), ratingOf(completions[chosen])});
    }
    return out;
}

} // namespace

void Prm800kReader::read(const std::string& path, const ReadContext& ctx, const RecordSink& sink,
                         ReadReport& report) const {
    forEachJsonRecord(path, ctx, report, [&](const nlohmann::json& j, int64_t line) {
        const auto& q = requireField(j, "question");
        if (!q.is_object()) throw FieldError("field 'question' must be an object");
        ReadRecord r;
        r.record.line = line;
        Problem& p = r.record.problem;
        p.question = requireString(q, "problem");
        p.answer = optionalString(q, "ground_truth_answer");
        p.sourceId =
            optionalString(j, "labeler") + "@" + optionalString(j, "timestamp", std::to_string(line));
        p.split = readers::splitFromPath(path);

        const auto& label = requireField(j, "label");
        if (!label.is_object()) throw FieldError("field 'label' must be an object");
        const auto rated = ratedSteps(label);

        // Phase 2 rates a pre-generated solution: keep all its steps, with ratings where labelled.
        std::vector<std::string> texts;
        if (auto pre = q.find("pre_generated_steps"); pre != q.end() && pre->is_array() && !pre->empty())
            texts = requireStringList(q, "pre_generated_steps");
        const bool usePre = !texts.empty() && texts.size() >= rated.size();
        if (!usePre) {
            texts.clear();
            for (const auto& s : rated)
                texts.push_back(s.text);
        }
        if (texts.empty()) throw FieldError("record has no steps");
        Trajectory t = trajectoryFromSteps(texts, "\n");
        t.source = "prm800k-generator";
        if (auto gen = j.find("generation"); gen != j.end() && gen->is_number_integer())
            t.source += "-gen" + gen->dump();
        std::optional<int> firstError;
        for (size_t i = 0; i < rated.size() && i < t.steps.size(); ++i) {
            if (usePre && rated[i].text != texts[i]) break; // the labeller left the pre-generated path
            t.steps[i].label = rated[i].rating;
            if (!firstError && rated[i].rating == -1) firstError = static_cast<int>(i);
        }
        const std::string finish = optionalString(label, "finish_reason");
        if (firstError)
            t.firstError = firstError;
        else if (finish == "solution")
            t.firstError = -1;
        r.record.trajectories.push_back(std::move(t));

        const std::string truth = optionalString(q, "ground_truth_solution");
        if (!truth.empty()) r.record.trajectories.push_back(readers::segmentedTrajectory(truth, ctx));
        sink(std::move(r));
        ++report.records;
    });
}

} // namespace gpo
