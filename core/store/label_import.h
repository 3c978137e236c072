#pragma once
// Labels that people already made, brought in as annotators: a dataset's per-step ratings (PRM800K:
// the first step rated -1 is the critical step) and its labelled earliest errors (ProcessBench) become
// the annotations of one annotator named after the dataset, so every agreement statistic treats them
// like anyone else's picks.
#include "store/project.h"

#include <nlohmann/json.hpp>
#include <string>

namespace gpo {

struct LabelImport {
    std::string annotator;
    int64_t annotations = 0;    ///< trajectories with a label
    int64_t noSingleStep = 0;   ///< of those, labelled with no wrong step
    int64_t withStepLabels = 0; ///< of those, with per-step ratings
    nlohmann::json toJson() const;
};

/// Imports `dataset`'s labels as the annotator `dataset` (kind: the dataset's format). Importing again
/// replaces that annotator's annotations with the same values: nothing is added twice. Throws
/// std::invalid_argument when the dataset is unknown or holds no labels.
LabelImport importDatasetLabels(Project& project, const std::string& dataset);

} // namespace gpo
