#pragma once
// Tracing training back to critical steps. A GPO pair names the failed trajectory and the step whose
// prefix its prompt ends with; a training run records the pair set it trained on (config
// resolved.pairs). From a trajectory: the pairs made from it and the runs that trained on them. From a
// run: the pairs it trained on, each with its trajectory and step, the analysis pick behind it and the
// people's picks of that trajectory.
#include "store/project.h"

#include <optional>
#include <string>
#include <vector>

namespace gpo {

struct TracedPair {
    int64_t pairId = 0;
    std::string setName;
    std::string chosen, rejected; ///< empty for the missing side of an unpaired (KTO) row
    std::string promptTail;       ///< the prompt's last line (the critical step's prefix ends there)
    std::optional<int64_t> trajectoryId, analysisRunId;
    std::optional<int> stepIdx; ///< the critical step (0-based)
    std::string selector;
    std::vector<int> humanSteps;      ///< the steps people picked in this trajectory (0-based)
    std::optional<int> labelledError; ///< the dataset's labelled first error (0-based), when it has one
};

struct TrainedRun {
    int64_t id = 0;
    std::string name, status, algorithm;
};

/// The pairs made from a trajectory, in every set.
std::vector<TracedPair> pairsFromTrajectory(Project& project, int64_t trajectoryId);
/// The training runs that trained on a pair set.
std::vector<TrainedRun> runsTrainedOn(Project& project, const std::string& pairSet);
/// The pair set a training run trained on (empty: none recorded, or an online run).
std::string pairSetOfRun(Project& project, int64_t runId);
/// The pairs a run trained on (at most `limit`; 0: all), those from a trajectory first.
std::vector<TracedPair> pairsOfRun(Project& project, int64_t runId, int64_t limit = 0);

} // namespace gpo
