#pragma once
// `gpo train --nproc N`: starts N ranks of the same command on this machine, as torchrun does (RANK,
// WORLD_SIZE, LOCAL_RANK, LOCAL_WORLD_SIZE, MASTER_ADDR, MASTER_PORT), and watches them. A rank that
// fails ends the others (the run stays resumable from its last checkpoint); a stop asked of the launcher
// is passed on to every rank, which stop together at the same step and save.
#include <functional>
#include <ostream>
#include <string>
#include <vector>

namespace gpo::jobs {

struct LocalRanksOptions {
    int nproc = 2;
    std::function<bool()> stopRequested; ///< checked while the ranks run: passed on as SIGTERM
    std::ostream* log = nullptr;         ///< where a failing rank is named
};

/// Runs argv (argv[0] the executable) as ranks 0…nproc-1; rank 0 keeps stdout, the others' goes to
/// /dev/null. Returns rank 0's exit code, or the first failing rank's.
int runLocalRanks(const std::vector<std::string>& argv, const LocalRanksOptions& options);

/// A TCP port on 127.0.0.1 that nothing listens on now (the rendezvous store's).
int freeLocalPort();

/// `args` without the option `name` and its value (`--name V` or `--name=V`).
std::vector<std::string> withoutOption(const std::vector<std::string>& args, const std::string& name,
                                       bool takesValue = true);

} // namespace gpo::jobs
