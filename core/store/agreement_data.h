#pragma once
// What agreement statistics compare: the selectors' picks from analysis runs, and the labels a project
// holds (labelled first errors of imported datasets; people's critical-step annotations).
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

/// Every label set of the project, datasets first.
std::vector<LabelSet> labelSets(Project& project);

/// selector -> trajectory -> pick. With a run, that run's picks; else, for each trajectory, the newest
/// run's.
std::map<std::string, std::map<int64_t, std::optional<int>>> selectorPicks(Project& project,
                                                                           std::optional<int64_t> runId);

} // namespace gpo
