#pragma once
// The completions an online run (GRPO, PPO) drew, as it logs them: one JSON line per sample in
// samples.jsonl of its folder (rollout_batch.h), with the step, the problem, the completion, its reward
// and, for a GPO reset sample, the step it restarted from. The index reads only what was appended since
// its last refresh, so a viewer can follow a run as it writes.
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace gpo {

struct RunSample {
    int64_t step = 0, problemId = 0, index = 0;
    std::string completion, finish;
    double reward = 0;
    bool isReset = false;
    int64_t resetOf = 0;      ///< the failed sample it restarts (its index in the group)
    int64_t criticalStep = 0; ///< the step it restarted from (1-based, as logged)
    int64_t completionSteps = 0;
};

class RunSamplesIndex {
public:
    explicit RunSamplesIndex(std::string path) : path_(std::move(path)) {}
    /// Reads lines appended since the last refresh; returns how many new samples it found. A file that
    /// shrank (a resumed run rewrote it) is read again from the start.
    size_t refresh();
    /// The steps that have samples, in order.
    std::vector<int64_t> steps() const;
    /// The samples drawn at `step`, in file order. Throws InputError naming the file and line when a line
    /// is not a sample.
    std::vector<RunSample> samplesAt(int64_t step) const;
    const std::string& path() const { return path_; }

private:
    struct Span {
        int64_t offset = 0, line = 0;
    };
    std::string path_;
    int64_t readTo_ = 0, lines_ = 0;
    std::map<int64_t, std::vector<Span>> byStep_;
};

/// A run's samples file: samples.jsonl in its folder.
std::string runSamplesPath(const std::string& runFolder);

} // namespace gpo
