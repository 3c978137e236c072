#pragma once
// Options every policy-using command shares: which checkpoint, on which device, in which dtype.
#include "model/policy.h"
#include "store/policies.h"

#include <CLI/CLI.hpp>
#include <memory>
#include <string>
#include <vector>

namespace gpo::cli {

struct PolicyArgs {
    std::string policy, device = "auto", dtype = "auto";
    int threads = 0; ///< CPU threads for LibTorch (0: its default, one per core)
    void addTo(CLI::App* cmd, bool required = true);
    std::unique_ptr<model::Policy> load() const;
};

/// The policy a project command uses: `policy` as a checkpoint folder (registered in the project under
/// `name`, else the folder's name) or as the name of a registered policy; empty: the project's default.
PolicyEntry projectPolicy(Project& project, const std::string& policy, const std::string& name);

/// "1,2,3" -> ids; throws std::invalid_argument naming the bad item.
std::vector<int32_t> parseIdList(const std::string& text);

} // namespace gpo::cli
