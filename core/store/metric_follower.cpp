#include "store/metric_follower.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace gpo {

bool MetricSeries::upsert(int64_t step, double value, double wallTime) {
    if (steps.empty() || step > steps.back()) {
        steps.push_back(step);
        values.push_back(value);
        wallTimes.push_back(wallTime);
        return true;
    }
    const auto it = std::lower_bound(steps.begin(), steps.end(), step);
    const size_t i = static_cast<size_t>(it - steps.begin());
    if (it != steps.end() && *it == step) {
        if (values[i] == value) return false; // read again at the poll's boundary: nothing changed
        values[i] = value;
        wallTimes[i] = wallTime;
    } else {
        steps.insert(it, step);
        values.insert(values.begin() + static_cast<std::ptrdiff_t>(i), value);
        wallTimes.insert(wallTimes.begin() + static_cast<std::ptrdiff_t>(i), wallTime);
    }
    firstChanged = std::min(firstChanged, i);
    return true;
}

size_t MetricFollower::poll(Project& project) {
    // Rows recorded in the same second as the newest one seen are read again (a transaction may commit
    // after a later one started): upsert makes reading a point twice harmless.
    constexpr double kOverlapSeconds = 1.0;
    auto st = project.db().prepare(
        lastWall_ ? "SELECT name, step, value, wall_time FROM metrics WHERE run_id = ? AND wall_time >= ? "
                    "ORDER BY name, step"
                  : "SELECT name, step, value, wall_time FROM metrics WHERE run_id = ? ORDER BY name, step");
    st.bind(1, runId_);
    if (lastWall_) st.bind(2, *lastWall_ - kOverlapSeconds);
    size_t changed = 0;
    const double nan = std::numeric_limits<double>::quiet_NaN();
    while (st.step()) {
        const double wall = st.columnIsNull(3) ? nan : st.columnDouble(3);
        changed += series_[st.columnText(0)].upsert(st.columnInt(1), st.columnDouble(2), wall);
        if (!std::isnan(wall)) {
            lastWall_ = std::max(lastWall_.value_or(wall), wall);
            start_ = std::min(start_.value_or(wall), wall);
        }
    }
    if (!lastWall_) lastWall_ = 0.0; // nothing with a wall time yet: from now on read by time
    return changed;
}

} // namespace gpo
