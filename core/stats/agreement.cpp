#include "stats/agreement.h"

#include "stats/bootstrap.h"

#include <array>
#include <cstdlib>
#include <map>

namespace gpo::stats {
namespace {

struct Shares {
    double exact = 0, within1 = 0, within2 = 0;
    std::optional<double> f1;
};

/// The shares over items drawn `weight[i]` times each.
Shares shares(const std::vector<PickAndLabel>& items, const std::vector<double>& weight) {
    double n = 0, exact = 0, near1 = 0, near2 = 0, withError = 0, without = 0, rightWith = 0,
           rightWithout = 0;
    for (size_t i = 0; i < items.size(); ++i) {
        const double w = weight[i];
        if (w == 0) continue;
        const int pick = items[i].pick.value_or(-1), label = items[i].label;
        const bool same = pick == label;
        const int apart = pick >= 0 && label >= 0 ? std::abs(pick - label) : (same ? 0 : 1 << 20);
        n += w;
        exact += same ? w : 0;
        near1 += apart <= 1 ? w : 0;
        near2 += apart <= 2 ? w : 0;
        (label >= 0 ? withError : without) += w;
        (label >= 0 ? rightWith : rightWithout) += same ? w : 0;
    }
    Shares s;
    if (n == 0) return s;
    s.exact = exact / n;
    s.within1 = near1 / n;
    s.within2 = near2 / n;
    if (withError > 0 && without > 0) {
        const double e = rightWith / withError, c = rightWithout / without;
        s.f1 = e + c > 0 ? 2 * e * c / (e + c) : 0.0;
    }
    return s;
}

std::vector<std::optional<double>> asList(const Shares& s) {
    return {s.exact, s.within1, s.within2, s.f1};
}

nlohmann::json shareJson(const Share& s) {
    return s.low ? nlohmann::json::array({*s.low, *s.high}) : nlohmann::json();
}

} // namespace

nlohmann::json Agreement::toJson() const {
    nlohmann::json j{{"n", n},
                     {"exact", exact.value},
                     {"within_1", within1.value},
                     {"within_2", within2.value},
                     {"with_error", withError},
                     {"without_error", withoutError},
                     {"offsets", offsets}};
    j["processbench_f1"] = processbenchF1 ? nlohmann::json(processbenchF1->value) : nlohmann::json();
    j["mean_abs_offset"] = meanAbsOffset ? nlohmann::json(*meanAbsOffset) : nlohmann::json();
    j["mean_offset"] = meanOffset ? nlohmann::json(*meanOffset) : nlohmann::json();
    nlohmann::json histogram = nlohmann::json::object();
    for (const auto& [offset, count] : offsetHistogram)
        histogram[std::to_string(offset)] = count;
    j["offset_histogram"] = histogram;
    j["ci95"] = {{"exact", shareJson(exact)},
                 {"within_1", shareJson(within1)},
                 {"within_2", shareJson(within2)},
                 {"processbench_f1", processbenchF1 ? shareJson(*processbenchF1) : nlohmann::json()}};
    return j;
}

Agreement agreement(const std::vector<PickAndLabel>& items, const BootstrapOptions& options) {
    return agreement(items, {}, options);
}

Agreement agreement(const std::vector<PickAndLabel>& items, const std::vector<int64_t>& clusters,
                    const BootstrapOptions& options) {
    Agreement a;
    a.n = static_cast<int64_t>(items.size());
    double absSum = 0, sum = 0;
    for (const auto& i : items) {
        (i.label >= 0 ? a.withError : a.withoutError) += 1;
        if (i.label >= 0 && i.pick && *i.pick >= 0) {
            const int offset = i.label - *i.pick;
            ++a.offsets;
            ++a.offsetHistogram[offset];
            absSum += std::abs(offset);
            sum += offset;
        }
    }
    if (a.offsets > 0) {
        a.meanAbsOffset = absSum / static_cast<double>(a.offsets);
        a.meanOffset = sum / static_cast<double>(a.offsets);
    }
    if (a.n == 0) return a;
    const Shares point = shares(items, std::vector<double>(items.size(), 1.0));
    a.exact.value = point.exact;
    a.within1.value = point.within1;
    a.within2.value = point.within2;
    if (point.f1) a.processbenchF1 = Share{*point.f1, {}, {}};
    // Every statistic depends on an item only through four facts (same step; within 1; within 2; label
    // names a step): at most 16 classes. A cluster is then a vector of class counts, and clusters with the
    // same vector are interchangeable, so resampling clusters draws the counts of those cluster types.
    constexpr size_t kClasses = 16;
    std::vector<PickAndLabel> representative(kClasses);
    std::map<int64_t, std::array<int64_t, kClasses>> perCluster;
    for (size_t n = 0; n < items.size(); ++n) {
        const auto& i = items[n];
        const Shares one = shares({i}, {1.0});
        const size_t key = (one.exact > 0 ? 1u : 0u) | (one.within1 > 0 ? 2u : 0u) |
                           (one.within2 > 0 ? 4u : 0u) | (i.label >= 0 ? 8u : 0u);
        representative[key] = i;
        const int64_t cluster = clusters.empty() ? static_cast<int64_t>(n) : clusters.at(n);
        auto [it, fresh] = perCluster.try_emplace(cluster);
        if (fresh) it->second.fill(0);
        ++it->second[key];
    }
    std::map<std::array<int64_t, kClasses>, int64_t> typeCounts;
    for (const auto& [cluster, vector] : perCluster)
        ++typeCounts[vector];
    std::vector<std::array<int64_t, kClasses>> types;
    std::vector<int64_t> counts;
    for (const auto& [vector, count] : typeCounts) {
        types.push_back(vector);
        counts.push_back(count);
    }
    std::vector<double> classWeight(kClasses);
    const auto intervals =
        bootstrapClassIntervals(counts, options, [&](const std::vector<double>& typeWeight) {
            std::fill(classWeight.begin(), classWeight.end(), 0.0);
            for (size_t t = 0; t < types.size(); ++t)
                if (typeWeight[t] > 0)
                    for (size_t c = 0; c < kClasses; ++c)
                        classWeight[c] += typeWeight[t] * static_cast<double>(types[t][c]);
            return asList(shares(representative, classWeight));
        });
    Share* targets[] = {&a.exact, &a.within1, &a.within2, a.processbenchF1 ? &*a.processbenchF1 : nullptr};
    for (size_t s = 0; s < intervals.size(); ++s)
        if (targets[s] && intervals[s]) {
            targets[s]->low = intervals[s]->first;
            targets[s]->high = intervals[s]->second;
        }
    return a;
}

Agreement agreement(const std::map<int64_t, std::optional<int>>& picks, const std::map<int64_t, int>& labels,
                    const BootstrapOptions& options) {
    std::vector<PickAndLabel> items;
    for (const auto& [trajectory, label] : labels)
        if (const auto it = picks.find(trajectory); it != picks.end()) items.push_back({it->second, label});
    return agreement(items, options);
}

} // namespace gpo::stats
