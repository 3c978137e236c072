#pragma once
// A run's metrics as curves that grow while the run writes them. Each poll reads only what was recorded
// since the last one (by wall time, through an index), so following a run that logs thousands of points
// a minute costs a few rows a poll, not the whole history. A resumed run that records a step again
// replaces the point.
#include "store/project.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace gpo {

/// One metric of one run, ordered by step.
struct MetricSeries {
    std::vector<int64_t> steps;
    std::vector<double> values;
    std::vector<double> wallTimes; ///< seconds since 1970; NaN where the project did not record it
    /// The first index changed since the last markDrawn() (points after it may all have changed).
    size_t firstChanged = 0;

    /// Adds a point, or replaces the value at a step it has; false when it had that point already.
    bool upsert(int64_t step, double value, double wallTime);
    size_t size() const { return steps.size(); }
    bool changed() const { return firstChanged < steps.size(); }
    void markDrawn() { firstChanged = steps.size(); }
};

class MetricFollower {
public:
    explicit MetricFollower(int64_t runId) : runId_(runId) {}
    /// Reads what the run recorded since the last poll; returns how many points were new or changed.
    size_t poll(Project& project);
    int64_t runId() const { return runId_; }
    std::map<std::string, MetricSeries>& series() { return series_; }
    const std::map<std::string, MetricSeries>& series() const { return series_; }
    /// The run's first recorded wall time (the origin of relative time).
    std::optional<double> startTime() const { return start_; }

private:
    int64_t runId_;
    std::map<std::string, MetricSeries> series_;
    std::optional<double> lastWall_; ///< none before the first poll
    std::optional<double> start_;
};

} // namespace gpo
