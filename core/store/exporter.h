#pragma once
// Writing trajectories out: the generic JSONL format (re-importable with --format jsonl) or CSV.
#include "store/project.h"
#include "store/queries.h"

#include <ostream>

namespace gpo {

/// One generic-JSONL line per trajectory: problem, answer, steps, id, model, dataset, verifier,
/// step_labels, first_error, correct. Returns the number written.
int64_t exportJsonl(Project& project, const TrajectoryFilter& filter, std::ostream& out);
/// A CSV row per trajectory: id, dataset, source, steps, correct, final_answer, reference, first_error,
/// question.
int64_t exportCsv(Project& project, const TrajectoryFilter& filter, std::ostream& out);

} // namespace gpo
