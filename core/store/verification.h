#pragma once
// Grading every trajectory's final answer against its problem's reference, storing the verdicts.
#include "plugin/registry.h"
#include "store/project.h"

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace gpo {

struct VerifyOptions {
    std::string dataset;  ///< empty: every dataset
    std::string verifier; ///< empty: each problem's own (else its dataset's)
    std::function<void(int64_t done, int64_t total)> progress;
};

struct VerifyReport {
    int64_t n = 0; ///< trajectories graded (those whose problem has a reference answer)
    int64_t correct = 0;
    std::vector<int64_t> unparsed;    ///< no final answer found (graded wrong)
    std::vector<int64_t> noReference; ///< not graded: the problem has no reference answer
    int64_t labeled = 0;              ///< graded ones that carry an outside verdict (ProcessBench)
    int64_t agreeWithLabels = 0;
    std::vector<int64_t> disagreeWithLabels;
    /// The labelled ones by subject (ProcessBench's `gsm8k`, `math`, …): how many, how many agree, and the
    /// disagreements each way (accepted where the label says wrong, refused where it says right).
    struct LabelAgreement {
        int64_t labeled = 0, agree = 0, acceptedAgainstLabel = 0, refusedAgainstLabel = 0;
    };
    std::map<std::string, LabelAgreement> labelsBySubject;
    double accuracy() const { return n ? static_cast<double>(correct) / static_cast<double>(n) : 0.0; }
};

VerifyReport verifyTrajectories(Project& project, const Registry& registry, const VerifyOptions& options);

} // namespace gpo
