#pragma once
// Importing datasets into a project: idempotent (a record already stored is not added again) and
// all-or-nothing per input path unless bad records are skipped.
#include "data/reader.h"
#include "plugin/registry.h"
#include "store/project.h"

#include <functional>
#include <string>
#include <vector>

namespace gpo {

struct ImportOptions {
    std::string format;  ///< a registered reader name
    std::string dataset; ///< dataset name; empty → the format's name
    std::string segmenter = "newline";
    SegmentOptions segment;
    bool skipBad = false;
    std::function<void(int64_t records)> progress; ///< called now and then with the records read so far
};

struct ImportResult {
    std::string path;
    std::string dataset;
    int64_t records = 0;
    int64_t problemsAdded = 0;
    int64_t trajectoriesAdded = 0;
    int64_t stepsAdded = 0;
    int64_t duplicates = 0; ///< records whose problem and trajectories were all stored already
    int64_t answersLinked =
        0; ///< answer-less problems that took the reference answer of the same problem elsewhere
    std::vector<InputError> skipped;
};

class Importer {
public:
    Importer(Project& project, const Registry& registry) : project_(project), registry_(registry) {}
    /// Imports one file (or a folder, for a format that reads folders: see inputFiles()). A file of a
    /// few-shot split goes to "<dataset>-<split>" ("mmlu-dev"). Throws InputError (bad data; nothing of it is
    /// committed), StoreError, or std::invalid_argument (unknown format or segmenter).
    ImportResult importPath(const std::string& path, const ImportOptions& options);

private:
    Project& project_;
    const Registry& registry_;
};

/// Fills empty reference answers from the same question in another dataset (ProcessBench ships none;
/// its problems come from GSM8K and MATH). Returns how many problems got one.
int64_t linkReferenceAnswers(Project& project);

/// The key under which the same question is recognised across datasets.
std::string normalizedQuestion(std::string_view question);

} // namespace gpo
