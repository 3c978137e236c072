#pragma once
// Writing a study out: the raw annotations (CSV, JSON) and the agreement report (every statistic as one
// long CSV; a LaTeX table ready for a paper).
#include "store/project.h"

#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>

namespace gpo {

/// One row per annotation (of one study, or all): study, annotator, annotator_kind, trajectory_id,
/// dataset, steps, critical_step (0-based; empty for none), no_single_step, skipped, step_labels (JSON
/// list of -1/0/1/null), confidence, note, seconds, updated_at. Returns the rows written.
int64_t writeAnnotationsCsv(Project& project, std::optional<int64_t> studyId, std::ostream& out);
/// The same rows as a JSON array of objects.
nlohmann::json annotationsJson(Project& project, std::optional<int64_t> studyId);

/// Every statistic of an agreement report (store/agreement_report.h) in long form: section, selector,
/// labels, group, statistic, value, ci_low, ci_high.
void writeReportCsv(const nlohmann::json& report, std::ostream& out);
/// A booktabs table of people against each selector (n, exact with its interval, within 1 and 2, mean
/// absolute offset) and, below it, the agreement between people.
std::string reportLatex(const nlohmann::json& report, const std::string& caption);
/// The caption gpo agreement and the studio give that table (`study`: empty when over all annotations).
std::string reportCaption(const std::string& study);

} // namespace gpo
