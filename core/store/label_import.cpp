#include "store/label_import.h"

#include "store/annotations.h"
#include "store/queries.h"

#include <stdexcept>

namespace gpo {

nlohmann::json LabelImport::toJson() const {
    return {{"annotator", annotator},
            {"annotations", annotations},
            {"no_single_step", noSingleStep},
            {"with_step_labels", withStepLabels}};
}

LabelImport importDatasetLabels(Project& project, const std::string& dataset) {
    requireDataset(project, dataset);
    auto format = project.db().prepare("SELECT format FROM datasets WHERE name = ?");
    format.bind(1, dataset);
    const std::string kind = format.step() ? format.columnText(0) : std::string("labels");

    std::vector<Annotation> rows;
    LabelImport out;
    out.annotator = dataset;
    auto st = project.db().prepare(
        "SELECT t.id, t.n_steps, t.first_error, t.step_labels FROM trajectories t JOIN problems p ON p.id ="
        " t.problem_id JOIN datasets d ON d.id = p.dataset_id WHERE d.name = ?"
        " AND (t.first_error IS NOT NULL OR t.step_labels IS NOT NULL) ORDER BY t.id");
    st.bind(1, dataset);
    while (st.step()) {
        Annotation a;
        a.trajectoryId = st.columnInt(0);
        const int64_t steps = st.columnInt(1);
        if (auto firstError = st.columnOptInt(2)) {
            if (*firstError >= 0 && *firstError < steps)
                a.criticalStep = static_cast<int>(*firstError);
            else if (*firstError < 0)
                a.noSingleStep = true;
        }
        const std::string labels = st.columnIsNull(3) ? std::string() : st.columnBlob(3);
        if (static_cast<int64_t>(labels.size()) == steps) {
            bool any = false;
            for (char c : labels) {
                const int v = static_cast<signed char>(c);
                a.stepLabels.push_back(v >= -1 && v <= 1 ? std::optional(static_cast<StepRating>(v))
                                                         : std::nullopt);
                any = any || (v >= -1 && v <= 1);
            }
            if (!any) a.stepLabels.clear();
        }
        if (!a.answered() && a.stepLabels.empty()) continue;
        out.noSingleStep += a.noSingleStep ? 1 : 0;
        out.withStepLabels += a.stepLabels.empty() ? 0 : 1;
        rows.push_back(std::move(a));
    }
    if (rows.empty())
        throw std::invalid_argument("dataset '" + dataset +
                                    "' holds no step labels or labelled first errors");
    if (auto known = findAnnotator(project, dataset); known && known->kind != kind)
        throw std::invalid_argument("an annotator named '" + dataset + "' (" + known->kind +
                                    ") already exists; the labels of dataset '" + dataset +
                                    "' need that name");
    const int64_t annotator = ensureAnnotator(project, dataset, kind);
    for (auto& a : rows)
        a.annotatorId = annotator;
    saveAnnotations(project, rows);
    out.annotations = static_cast<int64_t>(rows.size());
    return out;
}

} // namespace gpo
