#pragma once
// Everything `gpo agreement` and the studio's agreement dashboard show, computed once: each selector
// against each label set, people pooled against each selector (overall, by dataset, by trajectory
// length, per trajectory as in the paper's table), people against each other, a table per annotator,
// and how a step's advantage relates to how often people pick it.
#include "stats/bootstrap.h"
#include "store/agreement_data.h"

#include <nlohmann/json.hpp>
#include <optional>

namespace gpo {

struct ReportOptions {
    LabelFilter filter;
    std::optional<int64_t> runId; ///< picks of this analysis run; else each trajectory's newest
    stats::BootstrapOptions resampling;
};

/// The report as JSON (its keys are documented in README.md under "Agreement").
nlohmann::json agreementReport(Project& project, const ReportOptions& options);

/// The trajectory-length bins the report groups by: "1-4", "5-8", "9-12", "13-20", "21+".
std::string lengthBin(int64_t steps);

} // namespace gpo
