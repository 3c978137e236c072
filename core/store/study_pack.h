#pragma once
// Study packs: a study exported to a file an annotator opens in the studio on another machine, and the
// annotations of returned packs merged back. A pack is itself a small project (the study, its
// trajectories with their problems and datasets, its annotators and the annotations made so far) that
// remembers the project it came from; a blind study's pack leaves out every model value and pick.
#include "store/project.h"
#include "store/studies.h"

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace gpo {

struct PackExport {
    int64_t trajectories = 0, annotations = 0, estimates = 0;
    nlohmann::json toJson() const;
};

/// Writes `study` to a new pack at `path` (which must not exist). With `annotator`, the pack holds only that
/// annotator's earlier answers, and the annotator is created in the project when new.
PackExport exportStudyPack(Project& project, const Study& study, const std::string& path,
                           const std::optional<std::string>& annotator = std::nullopt);

struct PackMerge {
    std::string study;
    int64_t added = 0;     ///< annotations the project did not have
    int64_t updated = 0;   ///< newer in the pack than in the project
    int64_t unchanged = 0; ///< the project's were as new or newer
    int64_t annotatorsAdded = 0;
    nlohmann::json toJson() const;
};

/// Merges the annotations of a returned pack into the project that exported it, in one transaction: for
/// each annotator and trajectory the newer annotation wins, so merging twice (or merging packs that
/// overlap) adds nothing twice and loses nothing. Throws InputError naming the pack when it is not a pack,
/// comes from another project, or names a trajectory whose text differs from the project's.
PackMerge mergeStudyPack(Project& project, const std::string& path);

/// The pack's own record of where it came from, when `project` is a pack.
struct PackOrigin {
    std::string sourceProject, study, annotator;
};
std::optional<PackOrigin> packOrigin(Project& project);

} // namespace gpo
