#pragma once
// Options every policy-using command shares: which checkpoint, on which device, in which dtype.
#include "model/policy.h"

#include <CLI/CLI.hpp>
#include <memory>
#include <string>
#include <vector>

namespace gpo::cli {

struct PolicyArgs {
    std::string policy, device = "auto", dtype = "auto";
    void addTo(CLI::App* cmd, bool required = true);
    std::unique_ptr<model::Policy> load() const;
};

/// "1,2,3" -> ids; throws std::invalid_argument naming the bad item.
std::vector<int32_t> parseIdList(const std::string& text);

} // namespace gpo::cli
