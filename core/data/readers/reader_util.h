#pragma once
// Helpers the built-in readers share.
#include "data/reader.h"

#include <string>
#include <vector>

namespace gpo::readers {

/// A dataset's worked solution as a trajectory, split by the context's segmenter.
Trajectory segmentedTrajectory(std::string response, const ReadContext& ctx,
                               std::string source = "reference");
/// "question\n\nA. first\nB. second…"
std::string withChoices(const std::string& question, const std::vector<std::string>& options);
/// The option letter for index i (0 → 'A').
char choiceLetterAt(size_t i);
/// "train" / "test" / "validation" / "dev" / "val" when a path names one.
std::string splitFromPath(const std::string& path);
/// The split of a path when it is a few-shot one ("dev", "val", "validation"), else empty.
std::string fewShotSplitFromPath(const std::string& path);
/// File name without folders and extension.
std::string fileStem(const std::string& path);

} // namespace gpo::readers
