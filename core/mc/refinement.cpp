#include "mc/refinement.h"

#include <algorithm>
#include <cmath>

namespace gpo::mc {
namespace {

/// The range of |a| for a in [low, high].
Interval absolute(Interval a) {
    if (a.low <= 0 && a.high >= 0) return {0.0, std::max(-a.low, a.high)};
    return {std::min(std::fabs(a.low), std::fabs(a.high)), std::max(std::fabs(a.low), std::fabs(a.high))};
}

} // namespace

std::optional<Interval> advantageInterval(const TrajectoryValues& v, int h) {
    if (h < 0 || h >= v.steps) return std::nullopt;
    const auto& now = v.prefix[static_cast<size_t>(h)];
    const auto& next = v.prefix[static_cast<size_t>(h) + 1];
    if (!now || !next) return std::nullopt;
    return Interval{next->interval.low - now->interval.high, next->interval.high - now->interval.low};
}

std::vector<int> ambiguousPrefixes(const TrajectoryValues& v) {
    int first = -1, second = -1;
    double a1 = -1, a2 = -1;
    for (int h = 0; h < v.steps; ++h) {
        const auto a = v.advantage(h);
        if (!a) continue;
        const double m = std::fabs(*a);
        if (m > a1)
            second = first, a2 = a1, first = h, a1 = m;
        else if (m > a2)
            second = h, a2 = m;
    }
    if (first < 0 || second < 0) return {};
    const Interval i1 = absolute(*advantageInterval(v, first));
    const Interval i2 = absolute(*advantageInterval(v, second));
    if (i1.low > i2.high || i2.low > i1.high) return {};
    std::vector<int> out;
    for (int h : {first, first + 1, second, second + 1})
        if (h < v.steps) out.push_back(h);
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

} // namespace gpo::mc
