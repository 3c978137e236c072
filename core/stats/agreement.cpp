#include "stats/agreement.h"

#include <cstdlib>

namespace gpo::stats {

nlohmann::json Agreement::toJson() const {
    nlohmann::json j{{"n", n},
                     {"exact", exact},
                     {"within_1", within1},
                     {"with_error", withError},
                     {"without_error", withoutError}};
    j["processbench_f1"] = processbenchF1 ? nlohmann::json(*processbenchF1) : nlohmann::json();
    return j;
}

Agreement agreement(const std::vector<PickAndLabel>& items) {
    Agreement a;
    int64_t exact = 0, near = 0, rightWithError = 0, rightWithout = 0;
    for (const auto& i : items) {
        const int pick = i.pick.value_or(-1);
        const bool same = pick == i.label;
        const bool close = same || (pick >= 0 && i.label >= 0 && std::abs(pick - i.label) <= 1);
        exact += same;
        near += close;
        if (i.label >= 0)
            ++a.withError, rightWithError += same;
        else
            ++a.withoutError, rightWithout += same;
    }
    a.n = static_cast<int64_t>(items.size());
    if (a.n == 0) return a;
    a.exact = static_cast<double>(exact) / static_cast<double>(a.n);
    a.within1 = static_cast<double>(near) / static_cast<double>(a.n);
    if (a.withError > 0 && a.withoutError > 0) {
        const double e = static_cast<double>(rightWithError) / static_cast<double>(a.withError);
        const double c = static_cast<double>(rightWithout) / static_cast<double>(a.withoutError);
        a.processbenchF1 = e + c > 0 ? 2 * e * c / (e + c) : 0.0;
    }
    return a;
}

Agreement agreement(const std::map<int64_t, std::optional<int>>& picks,
                    const std::map<int64_t, int>& labels) {
    std::vector<PickAndLabel> items;
    for (const auto& [trajectory, label] : labels)
        if (const auto it = picks.find(trajectory); it != picks.end()) items.push_back({it->second, label});
    return agreement(items);
}

} // namespace gpo::stats
