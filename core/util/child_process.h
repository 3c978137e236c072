#pragma once
// Child processes started without a shell (argument vectors, so no value can inject a command): the
// launchers (local ranks, Slurm's commands) and the benchmarks that run jobs side by side.
#include <optional>
#include <string>
#include <sys/types.h>
#include <utility>
#include <vector>

namespace gpo::util {

struct ChildOptions {
    std::vector<std::pair<std::string, std::string>> env; ///< set on top of this process's environment
    std::string stdoutFile;                               ///< empty: inherit; "/dev/null" to drop
    std::string stderrFile;                               ///< empty: inherit
};

class ChildProcess {
public:
    /// Starts argv[0] (looked up on PATH when it has no slash). Throws naming the program on failure.
    static ChildProcess start(const std::vector<std::string>& argv, const ChildOptions& options = {});
    ChildProcess(ChildProcess&& o) noexcept : pid_(std::exchange(o.pid_, -1)), status_(o.status_) {}
    ChildProcess& operator=(ChildProcess&& o) noexcept;
    ~ChildProcess(); ///< a child still running is killed and reaped: none outlives its owner by accident
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    pid_t pid() const { return pid_; }
    /// The exit code once the child has ended (128 + N when signal N ended it), without waiting.
    std::optional<int> poll();
    int wait();
    void signal(int sig) const;

private:
    explicit ChildProcess(pid_t pid) : pid_(pid) {}
    pid_t pid_ = -1;
    std::optional<int> status_;
};

struct ProgramOutput {
    int status = 0; ///< exit code; 127 when the program could not be started
    std::string out, err;
};
/// Runs a program to its end with `input` on its stdin and returns what it wrote.
ProgramOutput runProgram(const std::vector<std::string>& argv, const std::string& input = {});

/// This executable's own path (/proc/self/exe), for starting more of itself.
std::string selfExecutable();

} // namespace gpo::util
