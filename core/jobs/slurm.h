#pragma once
// Slurm as a launcher: an sbatch script written from a run's resources, submitted with sbatch, followed
// with squeue/sacct and cancelled with scancel. Every program runs from an argument vector, never through
// a shell, and every value that reaches the script is checked or quoted, so no config value can inject a
// command.
#include <optional>
#include <string>
#include <vector>

namespace gpo::jobs {

struct SlurmResources {
    int nodes = 1;
    int gpusPerNode = 0;                  ///< 0: a CPU job
    int tasksPerNode = 0;                 ///< ranks per node; 0: one per GPU, else one
    int cpusPerTask = 0;                  ///< 0: Slurm's default
    std::string partition, time, account; ///< empty: the cluster's defaults
    std::string jobName = "gpo";
    /// An array job of this many independent tasks (gpo analyze's shards); 0: one job of many ranks.
    /// In an array job's command, "{task}" stands for the task's index (SLURM_ARRAY_TASK_ID).
    int arrayTasks = 0;
    int tasksPerNodeOrDefault() const { return tasksPerNode > 0 ? tasksPerNode : std::max(1, gpusPerNode); }
};

/// The batch script: #SBATCH lines from `r`, MASTER_ADDR/MASTER_PORT from the allocation, and `command`
/// run on every task by srun (each task a rank: SLURM_PROCID, SLURM_NTASKS). `logFile` is Slurm's
/// --output pattern. Throws std::invalid_argument naming the option whose value Slurm could misread.
std::string sbatchScript(const SlurmResources& r, const std::vector<std::string>& command,
                         const std::string& logFile);

/// `text` as one single-quoted shell word.
std::string shellQuote(const std::string& text);

/// The job id in `sbatch --parsable`'s output ("1234" or "1234;cluster"); throws on anything else.
std::string parseSbatchOutput(const std::string& out);

struct SlurmJobState {
    std::string jobId;
    std::string state;   ///< Slurm's: PENDING, RUNNING, COMPLETED, FAILED, CANCELLED, TIMEOUT, …
    std::string elapsed; ///< [D-]HH:MM:SS
    std::string detail;  ///< squeue's reason or node list; sacct's exit code
    bool finished = false;
};
/// `squeue -h -j ID -o %i|%T|%M|%R`'s line for the job; nullopt when the queue no longer has it.
std::optional<SlurmJobState> parseSqueueOutput(const std::string& out, const std::string& jobId);
/// `sacct -n -P -j ID --format=JobID,State,ExitCode,Elapsed`: the job's own line (not its steps').
std::optional<SlurmJobState> parseSacctOutput(const std::string& out, const std::string& jobId);

/// Submits a script file; returns the job id. Throws with sbatch's own message when it refuses.
std::string submitSlurmScript(const std::string& scriptPath);
/// The job as the queue, else the accounting, knows it now.
SlurmJobState slurmJobState(const std::string& jobId);
void cancelSlurmJob(const std::string& jobId);

} // namespace gpo::jobs
