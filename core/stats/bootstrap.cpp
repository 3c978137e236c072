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

std::vector<std::optional<std::pair<double, double>>> bootstrapIntervals(
    size_t items, const BootstrapOptions& options,
    const std::function<std::vector<std::optional<double>>(const std::vector<double>&)>& statistics) {
    std::vector<std::vector<double>> draws;
    std::mt19937_64 rng(options.seed);
    std::vector<double> weight(items);
    for (int b = 0; b < options.bootstrap; ++b) {
        resampleWeights(rng, weight);
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

} // namespace gpo::stats
