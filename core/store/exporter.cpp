#include "store/exporter.h"

#include "data/csv.h"

#include <nlohmann/json.hpp>

namespace gpo {
int64_t exportJsonl(Project& project, const TrajectoryFilter& filter, std::ostream& out) {
    int64_t n = 0;
    for (int64_t id : trajectoryIds(project, filter)) {
        auto d = loadTrajectory(project, id);
        if (!d) continue;
        nlohmann::json j;
        j["id"] = d->problem.sourceId.empty() ? std::to_string(id) : d->problem.sourceId;
        j["dataset"] = d->dataset;
        j["problem"] = d->problem.question;
        j["answer"] = d->problem.answer;
        j["verifier"] = d->verifier;
        j["model"] = d->trajectory.source;
        nlohmann::json steps = nlohmann::json::array(), labels = nlohmann::json::array();
        bool anyLabel = false;
        for (size_t i = 0; i < d->trajectory.steps.size(); ++i) {
            steps.push_back(std::string(stepText(d->trajectory, i)));
            const auto& l = d->trajectory.steps[i].label;
            labels.push_back(l ? nlohmann::json(*l) : nlohmann::json());
            anyLabel = anyLabel || l.has_value();
        }
        j["steps"] = steps;
        if (anyLabel) j["step_labels"] = labels;
        if (d->trajectory.firstError) j["first_error"] = *d->trajectory.firstError;
        if (d->correct) j["correct"] = *d->correct;
        out << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
        ++n;
    }
    return n;
}

int64_t exportCsv(Project& project, const TrajectoryFilter& filter, std::ostream& out) {
    out << "id,dataset,source,steps,correct,final_answer,reference,first_error,question\n";
    int64_t n = 0;
    for (int64_t id : trajectoryIds(project, filter)) {
        auto d = loadTrajectory(project, id);
        if (!d) continue;
        out << id << ',' << csv::field(d->dataset) << ',' << csv::field(d->trajectory.source) << ','
            << d->trajectory.steps.size() << ',' << (d->correct ? (*d->correct ? "1" : "0") : "") << ','
            << csv::field(d->finalAnswer) << ',' << csv::field(d->problem.answer) << ','
            << (d->trajectory.firstError ? std::to_string(*d->trajectory.firstError) : "") << ','
            << csv::field(d->problem.question) << '\n';
        ++n;
    }
    return n;
}

} // namespace gpo
