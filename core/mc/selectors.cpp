#include "mc/selectors.h"

#include <cmath>

namespace gpo::mc {

std::vector<int> Selector::wanted(const TrajectoryValues& v, const SelectorOptions&) const {
    return v.missing();
}

namespace {

/// The step maximising score(A_h), earliest on ties; nothing when no advantage is known.
template <class Score> std::optional<int> argmaxAdvantage(const TrajectoryValues& v, Score score) {
    std::optional<int> best;
    double bestScore = 0;
    for (int h = 0; h < v.steps; ++h) {
        const auto a = v.advantage(h);
        if (!a) continue;
        const double s = score(*a);
        if (!best || s > bestScore) best = h, bestScore = s;
    }
    return best;
}

/// Where a bisection over lost/kept prefixes stands: [good, bad] brackets the first loss.
struct Bracket {
    int good = 0, bad = 0;
    std::optional<int> next; ///< the prefix whose value is needed next, if any
    bool none = false;       ///< nothing to find: the trajectory is right, or the question already lost
};

Bracket bisect(const TrajectoryValues& v, double threshold) {
    Bracket b;
    b.bad = v.steps;
    if (v.correct || v.steps == 0) return b.none = true, b;
    const auto v0 = v.value(0);
    if (!v0) return b.next = 0, b;
    if (*v0 <= threshold) return b.none = true, b;
    while (b.bad - b.good > 1) {
        const int mid = b.good + (b.bad - b.good) / 2;
        const auto vm = v.value(mid);
        if (!vm) return b.next = mid, b;
        (*vm > threshold ? b.good : b.bad) = mid;
    }
    return b;
}

uint64_t mix(uint64_t a, uint64_t b) {
    uint64_t h = (a ^ 0x9E3779B97F4A7C15ull) * 0xBF58476D1CE4E5B9ull;
    h = (h ^ b) * 0x94D049BB133111EBull;
    return h ^ (h >> 31);
}

} // namespace

std::string AbsAdvantageSelector::description() const {
    return "the step with the largest |A_h| = |V(p_h+1) - V(p_h)| (default)";
}
std::optional<int> AbsAdvantageSelector::pick(const TrajectoryValues& v, const SelectorOptions&) const {
    return argmaxAdvantage(v, [](double a) { return std::fabs(a); });
}

std::string MaxAdvantageSelector::description() const {
    return "the step with the largest A_h";
}
std::optional<int> MaxAdvantageSelector::pick(const TrajectoryValues& v, const SelectorOptions&) const {
    return argmaxAdvantage(v, [](double a) { return a; });
}

std::string MaxValuePrefixSelector::description() const {
    return "failed trajectories only: reset at the prefix with the highest value, stopping at the first "
           "value of 1 (the first author's released code)";
}
std::vector<int> MaxValuePrefixSelector::wanted(const TrajectoryValues& v, const SelectorOptions&) const {
    if (v.correct) return {};
    for (int h = 0; h < v.steps; ++h) {
        const auto value = v.value(h);
        if (!value) return {h};
        if (*value >= 1.0) return {};
    }
    return {};
}
std::optional<int> MaxValuePrefixSelector::pick(const TrajectoryValues& v, const SelectorOptions&) const {
    if (v.correct) return std::nullopt;
    std::optional<int> best;
    double bestValue = -1;
    for (int h = 0; h < v.steps; ++h) {
        const auto value = v.value(h);
        if (!value) break;
        if (*value > bestValue) best = h, bestValue = *value;
        if (*value >= 1.0) break;
    }
    return best;
}

std::string RandomSelector::description() const {
    return "a uniformly random step (Satori-style; the paper's ablation baseline)";
}
std::vector<int> RandomSelector::wanted(const TrajectoryValues&, const SelectorOptions&) const {
    return {};
}
std::optional<int> RandomSelector::pick(const TrajectoryValues& v, const SelectorOptions& o) const {
    if (v.steps <= 0) return std::nullopt;
    const uint64_t r = mix(o.seed, static_cast<uint64_t>(v.trajectoryId));
    return static_cast<int>((r >> 11) % static_cast<uint64_t>(v.steps));
}

std::string ThresholdSelector::description() const {
    return "the first step after which the value is at or below the threshold (the first error)";
}
std::optional<int> ThresholdSelector::pick(const TrajectoryValues& v, const SelectorOptions& o) const {
    const auto v0 = v.value(0);
    if (!v0 || *v0 <= o.threshold) return std::nullopt;
    for (int h = 0; h < v.steps; ++h) {
        const auto next = v.value(h + 1);
        if (!next) return std::nullopt; // a gap: this selector needs the full scan
        if (*next <= o.threshold) return h;
    }
    return std::nullopt;
}

std::string BinarySearchSelector::description() const {
    return "the first error by bisection on failed trajectories, in about K (log2 H + 1) rollouts "
           "(OmegaPRM)";
}
std::vector<int> BinarySearchSelector::wanted(const TrajectoryValues& v, const SelectorOptions& o) const {
    const Bracket b = bisect(v, o.threshold);
    if (b.next) return {*b.next};
    return {};
}
std::optional<int> BinarySearchSelector::pick(const TrajectoryValues& v, const SelectorOptions& o) const {
    const Bracket b = bisect(v, o.threshold);
    if (b.none || b.next) return std::nullopt;
    return b.bad - 1;
}

} // namespace gpo::mc
