#include "train/group_advantages.h"

#include <cmath>
#include <stdexcept>

namespace gpo::train {
namespace {

double mean(const double* v, size_t n) {
    double s = 0;
    for (size_t i = 0; i < n; ++i)
        s += v[i];
    return n ? s / static_cast<double>(n) : 0.0;
}

/// Bessel-corrected standard deviation; NaN for fewer than two values (as torch.std).
double sampleStd(const double* v, size_t n) {
    if (n < 2) return std::nan("");
    const double m = mean(v, n);
    double s = 0;
    for (size_t i = 0; i < n; ++i)
        s += (v[i] - m) * (v[i] - m);
    return std::sqrt(s / static_cast<double>(n - 1));
}

} // namespace

AdvantageScale advantageScale(const std::string& name) {
    if (name == "group") return AdvantageScale::Group;
    if (name == "batch") return AdvantageScale::Batch;
    if (name == "none") return AdvantageScale::None;
    if (name == "rloo") return AdvantageScale::Rloo;
    throw std::invalid_argument("unknown scale_rewards '" + name + "' (group, batch, none, rloo)");
}

GroupAdvantages groupAdvantages(const std::vector<double>& rewards, int groupSize, AdvantageScale scale,
                                double epsilon) {
    if (groupSize < 1 || rewards.size() % static_cast<size_t>(groupSize) != 0)
        throw std::invalid_argument("rewards do not split into groups of " + std::to_string(groupSize));
    return groupAdvantages(
        rewards,
        std::vector<size_t>(rewards.size() / static_cast<size_t>(groupSize), static_cast<size_t>(groupSize)),
        scale, epsilon);
}

GroupAdvantages groupAdvantages(const std::vector<double>& rewards, const std::vector<size_t>& groupSizes,
                                AdvantageScale scale, double epsilon) {
    size_t total = 0;
    for (const size_t g : groupSizes) {
        if (g < 1) throw std::invalid_argument("a group of rewards is empty");
        total += g;
    }
    if (total != rewards.size())
        throw std::invalid_argument("the groups hold " + std::to_string(total) + " rewards, not " +
                                    std::to_string(rewards.size()));
    GroupAdvantages out;
    out.advantages.resize(rewards.size());
    out.rewardMean = mean(rewards.data(), rewards.size());
    const double batchStd = sampleStd(rewards.data(), rewards.size());
    out.rewardStd = std::isnan(batchStd) ? 0.0 : batchStd;
    size_t zeroStd = 0, start = 0;
    for (const size_t g : groupSizes) {
        const double* r = rewards.data() + start;
        const double m = mean(r, g);
        const double s = sampleStd(r, g);
        bool allEqual = true;
        for (size_t i = 1; i < g; ++i)
            allEqual = allEqual && r[i] == r[0];
        if (allEqual) zeroStd += g;
        for (size_t i = 0; i < g; ++i) {
            double a = r[i] - m;
            switch (scale) {
            case AdvantageScale::Group:
                a = std::isnan(s) ? 0.0 : a / (s + epsilon);
                break;
            case AdvantageScale::Batch:
                a = std::isnan(batchStd) ? 0.0 : a / (batchStd + epsilon);
                break;
            case AdvantageScale::None:
                break;
            case AdvantageScale::Rloo:
                a = g > 1 ? r[i] - (m * static_cast<double>(g) - r[i]) / static_cast<double>(g - 1) : 0.0;
                break;
            }
            out.advantages[start + i] = a;
        }
        start += g;
    }
    // TRL asks whether the std that scales is 0: with scale_rewards "batch", the batch's.
    if (scale == AdvantageScale::Batch) zeroStd = out.rewardStd == 0.0 ? rewards.size() : 0;
    out.fracZeroStd =
        rewards.empty() ? 0.0 : static_cast<double>(zeroStd) / static_cast<double>(rewards.size());
    return out;
}

} // namespace gpo::train
