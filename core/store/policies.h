#pragma once
// The policies a project knows: a name, the checkpoint folder, and which one is the default that
// evaluation, analysis and training use when none is named.
#include "store/project.h"

#include <optional>
#include <string>
#include <vector>

namespace gpo {

struct PolicyEntry {
    int64_t id = 0;
    std::string name;
    std::string path; ///< a Hugging Face checkpoint folder, stored absolute
    bool isDefault = false;
};

/// Adds the policy, or points an existing name at `path`. With `makeDefault` (or when the project has
/// no default yet) it becomes the default. Returns the stored entry.
PolicyEntry registerPolicy(Project& project, const std::string& name, const std::string& path,
                           bool makeDefault);
std::vector<PolicyEntry> listPolicies(Project& project);
std::optional<PolicyEntry> findPolicy(Project& project, const std::string& name);
std::optional<PolicyEntry> defaultPolicy(Project& project);

} // namespace gpo
