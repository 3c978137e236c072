#pragma once
// Runs (evaluations, analyses, training) as the project records them: what ran, how it ended, and its
// metrics. A run is marked running when it starts and done/failed/cancelled when it ends, so a killed
// job shows as a run that never finished.
#include "store/project.h"

#include <nlohmann/json.hpp>
#include <string>

namespace gpo {

/// Records a new run (status "running") and returns its id.
int64_t beginRun(Project& project, const std::string& kind, const std::string& name,
                 const nlohmann::json& config);
/// status: "done", "failed" or "cancelled"; `error` says why for the last two.
void finishRun(Project& project, int64_t runId, const std::string& status, const std::string& error = {});
/// Whether a run of this kind and name has finished (status "done").
bool hasFinishedRun(Project& project, const std::string& kind, const std::string& name);
/// The name an evaluation of `policy` on `dataset` is recorded under.
std::string evalRunName(const std::string& policy, const std::string& dataset);
/// Stores (or replaces) one metric value of a run at a step.
void recordMetric(Project& project, int64_t runId, const std::string& name, int64_t step, double value);

} // namespace gpo
