#include "slurm_args.h"

#include "jobs/local_ranks.h"

namespace gpo::cli {

void SlurmArgs::addTo(CLI::App* cmd, const std::string& what) {
    cmd->add_flag("--slurm", submit, "Submit " + what + " to Slurm (sbatch) instead of running it here");
    cmd->add_option("--nodes", resources.nodes, "Slurm: nodes")->check(CLI::PositiveNumber);
    cmd->add_option("--gpus-per-node", resources.gpusPerNode, "Slurm: GPUs per node (0: a CPU job)")
        ->check(CLI::NonNegativeNumber);
    cmd->add_option("--ntasks-per-node", resources.tasksPerNode,
                    "Slurm: ranks per node (default: one per GPU)")
        ->check(CLI::NonNegativeNumber);
    cmd->add_option("--cpus-per-task", resources.cpusPerTask, "Slurm: CPU cores per rank")
        ->check(CLI::NonNegativeNumber);
    cmd->add_option("--partition", resources.partition, "Slurm: partition");
    cmd->add_option("--time", resources.time, "Slurm: time limit (e.g. 04:00:00)");
    cmd->add_option("--account", resources.account, "Slurm: account to charge");
    cmd->add_flag("--dry-run", dryRun, "Slurm: print the batch script; submit nothing, record nothing");
}

std::vector<std::string> SlurmArgs::without(const std::vector<std::string>& args) {
    std::vector<std::string> out = jobs::withoutOption(args, "--slurm", false);
    out = jobs::withoutOption(out, "--dry-run", false);
    for (const char* o : {"--nodes", "--gpus-per-node", "--ntasks-per-node", "--cpus-per-task", "--partition",
                          "--time", "--account", "--shards"})
        out = jobs::withoutOption(out, o);
    return out;
}

} // namespace gpo::cli
