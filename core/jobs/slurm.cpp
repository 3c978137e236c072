#include "jobs/slurm.h"

#include "util/child_process.h"

#include <algorithm>
#include <regex>
#include <sstream>
#include <stdexcept>

namespace gpo::jobs {
namespace {

// What an #SBATCH value may hold: Slurm's names, lists and times, nothing a shell or Slurm would split.
void requireSlurmValue(const std::string& option, const std::string& value) {
    static const std::regex ok("[A-Za-z0-9_.,:+@%/=-]+");
    if (!std::regex_match(value, ok))
        throw std::invalid_argument("--" + option + " '" + value +
                                    "': only letters, digits and _ . , : + @ % / = - may appear in it");
}

std::vector<std::string> split(const std::string& text, char sep) {
    std::vector<std::string> out;
    std::string field;
    std::istringstream in(text);
    while (std::getline(in, field, sep))
        out.push_back(field);
    if (!text.empty() && text.back() == sep) out.emplace_back();
    return out;
}

std::string trim(const std::string& s) {
    const auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos) return {};
    return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

bool finishedState(const std::string& state) {
    static const char* running[] = {"PENDING",  "RUNNING",  "CONFIGURING", "COMPLETING", "SUSPENDED",
                                    "REQUEUED", "RESIZING", "STAGE_OUT",   "SIGNALING",  "REQUEUE_HOLD"};
    return std::none_of(std::begin(running), std::end(running), [&](const char* s) { return state == s; });
}

} // namespace

std::string shellQuote(const std::string& text) {
    std::string out = "'";
    for (const char c : text) {
        if (c == '\'')
            out += "'\\''";
        else
            out += c;
    }
    return out + "'";
}

std::string sbatchScript(const SlurmResources& r, const std::vector<std::string>& command,
                         const std::string& logFile) {
    if (r.nodes < 1) throw std::invalid_argument("--nodes: at least 1");
    if (r.gpusPerNode < 0 || r.tasksPerNode < 0 || r.cpusPerTask < 0)
        throw std::invalid_argument("--gpus-per-node, --ntasks-per-node, --cpus-per-task: not negative");
    if (command.empty()) throw std::invalid_argument("no command for the Slurm job");
    requireSlurmValue("job-name", r.jobName);
    requireSlurmValue("output", logFile);
    std::ostringstream s;
    s << "#!/bin/bash\n"
      << (r.arrayTasks > 0
              ? "# Written by gpo: an array job, each task one shard of the work.\n"
              : "# Written by gpo: one task per rank; each reads SLURM_PROCID and SLURM_NTASKS.\n")
      << "#SBATCH --job-name=" << r.jobName << "\n"
      << "#SBATCH --nodes=" << r.nodes << "\n"
      << "#SBATCH --ntasks-per-node=" << r.tasksPerNodeOrDefault() << "\n";
    if (r.gpusPerNode > 0) s << "#SBATCH --gpus-per-node=" << r.gpusPerNode << "\n";
    if (r.cpusPerTask > 0) s << "#SBATCH --cpus-per-task=" << r.cpusPerTask << "\n";
    for (const auto& [option, value] : {std::pair<const char*, const std::string&>{"partition", r.partition},
                                        {"time", r.time},
                                        {"account", r.account}}) {
        if (value.empty()) continue;
        requireSlurmValue(option, value);
        s << "#SBATCH --" << option << "=" << value << "\n";
    }
    if (r.arrayTasks > 0) {
        // Independent tasks: each runs the command once, with its index where "{task}" stands.
        s << "#SBATCH --array=0-" << r.arrayTasks - 1 << "\n"
          << "#SBATCH --output=" << logFile << "\n"
          << "set -euo pipefail\n";
        const std::string task = "{task}";
        for (size_t i = 0; i < command.size(); ++i) {
            std::string word = shellQuote(command[i]);
            for (size_t at = word.find(task); at != std::string::npos; at = word.find(task))
                word.replace(at, task.size(), "'\"${SLURM_ARRAY_TASK_ID}\"'");
            s << (i ? " " : "") << word;
        }
        s << "\n";
        return s.str();
    }
    s << "#SBATCH --output=" << logFile << "\n"
      << "set -euo pipefail\n"
      << "# Rank 0's node serves the rendezvous store; the port follows the job id, so two jobs sharing\n"
      << "# a node do not collide.\n"
      << "export MASTER_ADDR=\"$(scontrol show hostnames \"$SLURM_JOB_NODELIST\" | head -n 1)\"\n"
      << "export MASTER_PORT=$((20000 + SLURM_JOB_ID % 20000))\n"
      << "srun --kill-on-bad-exit=1";
    for (const auto& arg : command)
        s << " " << shellQuote(arg);
    s << "\n";
    return s.str();
}

std::string parseSbatchOutput(const std::string& out) {
    const std::string id = trim(out.substr(0, out.find(';')));
    static const std::regex digits("[0-9]+");
    if (!std::regex_match(id, digits))
        throw std::runtime_error("sbatch did not answer with a job id: '" + trim(out) + "'");
    return id;
}

std::optional<SlurmJobState> parseSqueueOutput(const std::string& out, const std::string& jobId) {
    for (const auto& line : split(out, '\n')) {
        const auto f = split(trim(line), '|');
        if (f.size() < 4 || f[0] != jobId) continue;
        SlurmJobState s{f[0], f[1], f[2], f[3], false};
        s.finished = finishedState(s.state);
        return s;
    }
    return std::nullopt;
}

std::optional<SlurmJobState> parseSacctOutput(const std::string& out, const std::string& jobId) {
    for (const auto& line : split(out, '\n')) {
        const auto f = split(trim(line), '|');
        if (f.size() < 4 || f[0] != jobId) continue; // 1234.batch, 1234.0: the job's steps
        // "CANCELLED by 1000": the state is the first word.
        SlurmJobState s{f[0], f[1].substr(0, f[1].find(' ')), f[3], "exit code " + f[2], false};
        s.finished = finishedState(s.state);
        return s;
    }
    return std::nullopt;
}

std::string submitSlurmScript(const std::string& scriptPath) {
    const auto r = util::runProgram({"sbatch", "--parsable", scriptPath});
    if (r.status != 0)
        throw std::runtime_error("sbatch refused " + scriptPath + ": " + trim(r.err.empty() ? r.out : r.err));
    return parseSbatchOutput(r.out);
}

SlurmJobState slurmJobState(const std::string& jobId) {
    const auto q = util::runProgram({"squeue", "-h", "-j", jobId, "-o", "%i|%T|%M|%R"});
    if (q.status == 0)
        if (auto s = parseSqueueOutput(q.out, jobId)) return *s;
    const auto a =
        util::runProgram({"sacct", "-n", "-P", "-j", jobId, "--format=JobID,State,ExitCode,Elapsed"});
    if (a.status != 0) throw std::runtime_error("sacct: " + trim(a.err.empty() ? a.out : a.err));
    if (auto s = parseSacctOutput(a.out, jobId)) return *s;
    throw std::runtime_error("Slurm knows no job " + jobId + " (neither squeue nor sacct lists it)");
}

void cancelSlurmJob(const std::string& jobId) {
    const auto r = util::runProgram({"scancel", jobId});
    if (r.status != 0)
        throw std::runtime_error("scancel " + jobId + ": " + trim(r.err.empty() ? r.out : r.err));
}

} // namespace gpo::jobs
