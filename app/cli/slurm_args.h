#pragma once
// The options every command that submits to Slurm shares (gpo train --slurm, gpo analyze --slurm).
#include "jobs/slurm.h"

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace gpo::cli {

struct SlurmArgs {
    bool submit = false, dryRun = false;
    jobs::SlurmResources resources;
    void addTo(CLI::App* cmd, const std::string& what);
    bool wanted() const { return submit || dryRun; }
    /// The command line without these options: what the job runs.
    static std::vector<std::string> without(const std::vector<std::string>& args);
};

} // namespace gpo::cli
