#include "stats/seed_bootstrap.h"

#include <random>
#include <stdexcept>

namespace gpo::stats {

MeanInterval seedItemMean(const std::vector<std::vector<double>>& x, const BootstrapOptions& o) {
    if (x.empty() || x.front().empty()) throw std::invalid_argument("no values to average");
    const size_t seeds = x.size(), items = x.front().size();
    for (const auto& row : x)
        if (row.size() != items) throw std::invalid_argument("every seed needs a value for every item");
    MeanInterval out;
    for (const auto& row : x)
        for (const double v : row)
            out.mean += v;
    out.mean /= static_cast<double>(seeds * items);
    if (o.bootstrap <= 0) return out;
    std::mt19937_64 rng(o.seed);
    std::uniform_int_distribution<size_t> pickSeed(0, seeds - 1);
    std::vector<double> weight(items), draws;
    draws.reserve(static_cast<size_t>(o.bootstrap));
    for (int b = 0; b < o.bootstrap; ++b) {
        resampleWeights(rng, weight);
        double sum = 0;
        for (size_t s = 0; s < seeds; ++s) {
            const auto& row = x[pickSeed(rng)];
            for (size_t i = 0; i < items; ++i)
                sum += weight[i] * row[i];
        }
        draws.push_back(sum / static_cast<double>(seeds * items));
    }
    out.interval = percentileInterval(std::move(draws));
    return out;
}

} // namespace gpo::stats
