#include "stats/bootstrap.h"

#include <algorithm>
#include <cmath>

namespace gpo::stats {

void resampleWeights(std::mt19937_64& rng, std::vector<double>& weight) {
    std::fill(weight.begin(), weight.end(), 0.0);
    if (weight.empty()) return;
    std::uniform_int_distribution<size_t> pick(0, weight.size() - 1);
    for (size_t i = 0; i < weight.size(); ++i)
        weight[pick(rng)] += 1;
}

std::optional<std::pair<double, double>> percentileInterval(std::vector<double> draws) {
    if (draws.size() < 2) return std::nullopt;
    std::sort(draws.begin(), draws.end());
    auto at = [&](double q) {
        const double pos = q * static_cast<double>(draws.size() - 1);
        const auto lo = static_cast<size_t>(std::floor(pos));
        const size_t hi = std::min(lo + 1, draws.size() - 1);
        return draws[lo] + (pos - static_cast<double>(lo)) * (draws[hi] - draws[lo]);
    };
    return std::make_pair(at(0.025), at(0.975));
}

namespace {

std::vector<std::optional<std::pair<double, double>>>
intervals(const BootstrapOptions& options, size_t slots,
          const std::function<void(std::mt19937_64&, std::vector<double>&)>& resample,
          const std::function<std::vector<std::optional<double>>(const std::vector<double>&)>& statistics) {
    std::vector<std::vector<double>> draws;
    std::mt19937_64 rng(options.seed);
    std::vector<double> weight(slots);
    for (int b = 0; b < options.bootstrap; ++b) {
        resample(rng, weight);
        const auto values = statistics(weight);
        draws.resize(values.size());
        for (size_t s = 0; s < values.size(); ++s)
            if (values[s]) draws[s].push_back(*values[s]);
    }
    std::vector<std::optional<std::pair<double, double>>> out;
    for (auto& d : draws)
        out.push_back(percentileInterval(std::move(d)));
    return out;
}

} // namespace

std::vector<std::optional<std::pair<double, double>>> bootstrapClassIntervals(
    const std::vector<int64_t>& counts, const BootstrapOptions& options,
    const std::function<std::vector<std::optional<double>>(const std::vector<double>&)>& statistics) {
    int64_t total = 0;
    for (int64_t c : counts)
        total += c;
    return intervals(
        options, counts.size(),
        [&](std::mt19937_64& rng, std::vector<double>& weight) {
            // Multinomial(total, counts / total) as a chain of binomials over the classes left.
            int64_t left = total, rest = total;
            for (size_t c = 0; c < counts.size(); ++c) {
                if (left == 0 || rest == 0) {
                    weight[c] = 0;
                    continue;
                }
                const double p = std::min(1.0, static_cast<double>(counts[c]) / static_cast<double>(rest));
                const int64_t drawn = p >= 1.0 ? left : std::binomial_distribution<int64_t>(left, p)(rng);
                weight[c] = static_cast<double>(drawn);
                left -= drawn;
                rest -= counts[c];
            }
        },
        statistics);
}

std::vector<std::optional<std::pair<double, double>>> bootstrapIntervals(
    size_t items, const BootstrapOptions& options,
    const std::function<std::vector<std::optional<double>>(const std::vector<double>&)>& statistics) {
    return intervals(options, items, resampleWeights, statistics);
}

} // namespace gpo::stats
