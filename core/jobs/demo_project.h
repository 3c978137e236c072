#pragma once
// The demo project: the demo task's splits as datasets demo-train and demo-test (the test split with a
// planted-error trajectory beside each worked solution, so critical-step selectors have a known answer),
// the demo policy registered as the default policy, a first set of the policy's own answers, and a
// critical-step analysis of the planted-error trajectories.
// Building it again refreshes it: imports and answers already stored are not added twice.
#include "jobs/analysis_job.h"
#include "jobs/eval_job.h"
#include "store/importer.h"
#include "store/policies.h"

namespace gpo::jobs {

struct DemoProjectOptions {
    std::string projectPath;
    std::string policyDir; ///< the demo policy checkpoint (resources/demo-policy)
    std::string policyName = "demo-policy";
    uint64_t seed = 1; ///< the demo task's seed: the shipped policy was trained on seed 1's train split
    int64_t trainProblems = 1000; ///< 0: no demo-train
    int64_t testProblems = 200;   ///< 0: no demo-test
    int64_t evalProblems = 100;   ///< test problems the policy answers (0: none)
    int64_t samples = 4;          ///< answers per problem
    double temperature = 1.0;     ///< the policy's own distribution, as MC estimation samples it
    int64_t analysisRollouts = 4; ///< K of the analysis of demo-test's planted errors (0: no analysis)
    std::string device = "auto";
    std::function<bool()> cancelled;
    std::function<void(const nlohmann::json&)> progress;
};

struct DemoProjectResult {
    ImportResult train, test;
    PolicyEntry policy;
    EvalResult eval;
    AnalysisResult analysis;
    double seconds = 0;
    nlohmann::json toJson() const;
};

DemoProjectResult buildDemoProject(const Registry& registry, const DemoProjectOptions& options);

/// Imports problems [first, first + count) of a demo split as `dataset` (with planted-error trajectories
/// beside the worked solutions when `planted`) and grades the stored solutions. Idempotent.
ImportResult importDemoSplit(Project& project, const Registry& registry, const std::string& dataset,
                             const std::string& split, int64_t first, int64_t count, uint64_t seed,
                             bool planted);

} // namespace gpo::jobs
