#pragma once
// What agreement statistics compare: the selectors' picks from analysis runs, and the labels a project
// holds (labelled first errors of imported datasets; people's critical-step annotations).
#include "stats/reliability.h"
#include "store/project.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace gpo {

struct LabelSet {
    std::string name;              ///< "first_error:<dataset>" or "annotator:<name>"
    std::string kind;              ///< "dataset" or "annotator"
    std::map<int64_t, int> labels; ///< trajectory -> step (-1: no wrong step / no single critical step)
};

/// Which labels to compare: those of one study, of one dataset's trajectories, of trajectories of a
/// length, of some annotators.
struct LabelFilter {
    std::optional<int64_t> studyId;      ///< annotations made in this study, and labels of its trajectories
    std::string dataset;                 ///< empty: all
    int minSteps = 0, maxSteps = 0;      ///< trajectory length bounds; 0: none
    std::vector<std::string> annotators; ///< empty: all
};

/// Every label set of the project, datasets first. A dataset whose labels were imported as an annotator
/// (store/label_import.h) appears once, as that annotator.
std::vector<LabelSet> labelSets(Project& project, const LabelFilter& filter = {});

/// Agreement between people: their critical-step picks (label sets of kind "annotator") as a ratings
/// table of trajectories x annotators. "No single critical step" is a category of its own for the nominal
/// statistics and a missing value for interval alpha, where it has no place on the step scale.
/// Nothing with fewer than two annotators.
std::optional<stats::Reliability> betweenAnnotators(const std::vector<LabelSet>& sets,
                                                    const stats::BootstrapOptions& options);

/// How a step's advantage relates to how often people pick it: Spearman's rank correlation over the steps
/// of every trajectory that people annotated and an analysis scored (`runId`'s, else each trajectory's
/// newest run). A step's share is the fraction of the trajectory's annotators who picked it ("no single
/// critical step" answers count in the denominator).
struct AdvantagePickCorrelation {
    int64_t trajectories = 0, steps = 0;
    std::optional<double> advantage;    ///< with A_h
    std::optional<double> absAdvantage; ///< with |A_h|
    nlohmann::json toJson() const;
};
AdvantagePickCorrelation advantagePickCorrelation(Project& project, const std::vector<LabelSet>& sets,
                                                  std::optional<int64_t> runId);

/// selector -> trajectory -> pick. With a run, that run's picks; else, for each trajectory, the newest
/// run's.
std::map<std::string, std::map<int64_t, std::optional<int>>> selectorPicks(Project& project,
                                                                           std::optional<int64_t> runId);

} // namespace gpo
