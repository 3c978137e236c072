#pragma once
// The machine's running jobs, so that they share its cores. Two LibTorch processes that each take every
// core starve each other (OpenMP threads spin at barriers while the other process holds the core: a 25 s
// job took 517 s beside another), so each job that computes registers here and uses its share of the
// cores: all of them alone, half of them beside one other, and so on. A job is a file in one folder,
// held with an exclusive flock for the process's life: the kernel drops the lock when the process ends,
// however it ends, so a killed job never holds a share.
#include <string>

namespace gpo::util {

class JobSlots {
public:
    /// The folder every job of the machine registers in: $GPO_JOBS_DIR, else /tmp/gpo-jobs.
    static std::string defaultFolder();

    /// Registers this process (one open file description, so one process may hold several, as tests do).
    explicit JobSlots(std::string folder = defaultFolder());
    ~JobSlots();
    JobSlots(const JobSlots&) = delete;
    JobSlots& operator=(const JobSlots&) = delete;

    /// Whether the registration took (a folder that cannot be written leaves the job unregistered: it
    /// then takes every core, as before there was sharing).
    bool registered() const { return fd_ >= 0; }

    struct Share {
        int jobs = 1;    ///< live jobs, this one included
        int threads = 1; ///< this job's share of `cores`
    };
    /// This job's share of `cores` now: cores / jobs, the remainder going to the jobs that started first,
    /// at least one. Drops files of jobs that have ended.
    Share share(int cores) const;

private:
    std::string folder_;
    std::string file_;
    int fd_ = -1;
};

/// Splits `cores` over `jobs`: the share of the job at `position` (0: the one that started first).
int coreShare(int cores, int jobs, int position);

} // namespace gpo::util
