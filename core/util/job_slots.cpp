#include "util/job_slots.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <sys/file.h>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>
#include <vector>

namespace fs = std::filesystem;

namespace gpo::util {

std::string JobSlots::defaultFolder() {
    if (const char* d = std::getenv("GPO_JOBS_DIR"); d && *d) return d;
    return "/tmp/gpo-jobs";
}

int coreShare(int cores, int jobs, int position) {
    if (jobs <= 0) return std::max(1, cores);
    const int base = cores / jobs;
    return std::max(1, base + (position < cores % jobs ? 1 : 0));
}

JobSlots::JobSlots(std::string folder) : folder_(std::move(folder)) {
    std::error_code ec;
    if (!fs::exists(folder_, ec)) {
        fs::create_directories(folder_, ec);
        // Shared by every user of the machine, like /tmp itself: sticky, so none removes another's file.
        ::chmod(folder_.c_str(), 01777);
    }
    // Names sort by start time, so the remainder of an uneven split goes to the oldest jobs, stably.
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(now).count();
    char name[64];
    std::snprintf(name, sizeof name, "%020lld-%d-%p", static_cast<long long>(ns), ::getpid(),
                  static_cast<void*>(this));
    file_ = (fs::path(folder_) / name).string();
    // Locked under a hidden name first, then renamed into view: a job scanning the folder must never
    // find the file before its lock is held, or it would take the file for an ended job's.
    const std::string hidden = (fs::path(folder_) / ("." + std::string(name))).string();
    fd_ = ::open(hidden.c_str(), O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0644);
    if (fd_ < 0) return;
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0 || ::rename(hidden.c_str(), file_.c_str()) != 0) {
        ::close(fd_);
        fd_ = -1;
        ::unlink(hidden.c_str());
    }
}

JobSlots::~JobSlots() {
    if (fd_ < 0) return;
    ::unlink(file_.c_str());
    ::close(fd_);
}

JobSlots::Share JobSlots::share(int cores) const {
    if (fd_ < 0) return {1, std::max(1, cores)};
    std::vector<std::string> live;
    std::error_code ec;
    for (fs::directory_iterator it(folder_, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string path = it->path().string();
        if (it->path().filename().string().starts_with(".")) continue;
        if (path == file_) {
            live.push_back(it->path().filename().string());
            continue;
        }
        const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) continue;
        // A lock we can take is a job that has ended (its process let go of it): clear it away.
        if (::flock(fd, LOCK_SH | LOCK_NB) == 0) {
            ::unlink(path.c_str());
        } else {
            live.push_back(it->path().filename().string());
        }
        ::close(fd);
    }
    std::sort(live.begin(), live.end());
    const std::string mine = fs::path(file_).filename().string();
    const auto position = std::find(live.begin(), live.end(), mine) - live.begin();
    const int jobs = std::max<int>(1, static_cast<int>(live.size()));
    return {jobs, coreShare(cores, jobs, static_cast<int>(position))};
}

} // namespace gpo::util
