#include "jobs/local_ranks.h"

#include "util/child_process.h"

#include <arpa/inet.h>
#include <chrono>
#include <csignal>
#include <netinet/in.h>
#include <optional>
#include <stdexcept>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

namespace gpo::jobs {

int freeLocalPort() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) throw std::runtime_error("cannot open a socket to find a free port");
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    socklen_t len = sizeof a;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
        ::close(fd);
        throw std::runtime_error("cannot find a free port on 127.0.0.1");
    }
    ::close(fd);
    return ntohs(a.sin_port);
}

std::vector<std::string> withoutOption(const std::vector<std::string>& args, const std::string& name,
                                       bool takesValue) {
    std::vector<std::string> out;
    for (size_t i = 0; i < args.size(); ++i) {
        if (args[i] == name) {
            if (takesValue) ++i;
            continue;
        }
        if (args[i].rfind(name + "=", 0) == 0) continue;
        out.push_back(args[i]);
    }
    return out;
}

int runLocalRanks(const std::vector<std::string>& argv, const LocalRanksOptions& o) {
    if (o.nproc < 1) throw std::invalid_argument("--nproc: at least one rank");
    const std::string port = std::to_string(freeLocalPort());
    std::vector<util::ChildProcess> ranks;
    for (int r = 0; r < o.nproc; ++r) {
        util::ChildOptions c;
        c.env = {{"RANK", std::to_string(r)},       {"WORLD_SIZE", std::to_string(o.nproc)},
                 {"LOCAL_RANK", std::to_string(r)}, {"LOCAL_WORLD_SIZE", std::to_string(o.nproc)},
                 {"MASTER_ADDR", "127.0.0.1"},      {"MASTER_PORT", port}};
        if (r > 0) c.stdoutFile = "/dev/null";
        ranks.push_back(util::ChildProcess::start(argv, c));
    }
    std::optional<int> failed; // the first rank that failed
    int failedCode = 0;
    bool stopping = false;
    auto endAll = [&](int sig) {
        for (auto& r : ranks)
            r.signal(sig);
    };
    std::chrono::steady_clock::time_point killAt{};
    for (;;) {
        bool running = false;
        for (int r = 0; r < o.nproc; ++r) {
            const auto code = ranks[static_cast<size_t>(r)].poll();
            if (!code) {
                running = true;
                continue;
            }
            if (*code != 0 && !failed && !stopping) {
                failed = r;
                failedCode = *code;
                if (o.log)
                    *o.log << "gpo: rank " << r << " of " << o.nproc << " exited with code " << *code
                           << "; ending the other ranks (take the run up with --resume)\n";
                // The others would wait for it at the next collective until the timeout: end them now.
                endAll(SIGTERM);
                killAt = std::chrono::steady_clock::now() + std::chrono::seconds(10);
            }
        }
        if (!running) break;
        if (!stopping && o.stopRequested && o.stopRequested()) {
            stopping = true;
            endAll(SIGTERM); // each rank saves at the same step and ends
        }
        if (failed && std::chrono::steady_clock::now() > killAt) endAll(SIGKILL);
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (failed) return failedCode;
    return ranks.front().wait();
}

} // namespace gpo::jobs
