#include "stats/reliability.h"

#include "stats/bootstrap.h"

namespace gpo::stats {
namespace {

/// What one pairable unit contributes to every statistic.
struct UnitSummary {
    std::vector<std::pair<size_t, double>> counts; ///< (value index, how many raters gave it)
    double m = 0;                                  ///< values in the unit
    double agreement = 0;                          ///< share of agreeing pairs (Fleiss' P_i)
    double nominalDisagreement = 0; ///< Σ_{c≠k} o_ck of the unit's coincidences (Krippendorff)
    double intervalDisagreement = 0;
    std::optional<std::pair<size_t, size_t>> twoRaters; ///< both raters' values, with exactly two raters
};

std::vector<UnitSummary> summarise(const Ratings& ratings) {
    const bool numeric = ratings.numeric();
    std::vector<UnitSummary> out;
    for (size_t u = 0; u < ratings.units(); ++u) {
        const auto row = ratings.row(u);
        std::map<size_t, double> counts;
        for (const auto& v : row)
            if (v) counts[*v] += 1;
        UnitSummary s;
        for (const auto& [value, n] : counts) {
            s.counts.emplace_back(value, n);
            s.m += n;
        }
        if (s.m < 2) continue;
        double same = 0;
        for (const auto& [value, n] : s.counts)
            same += n * (n - 1);
        s.agreement = same / (s.m * (s.m - 1));
        s.nominalDisagreement = (s.m * (s.m - 1) - same) / (s.m - 1);
        if (numeric)
            for (const auto& [c, nc] : s.counts)
                for (const auto& [k, nk] : s.counts) {
                    const double d = ratings.number(c) - ratings.number(k);
                    s.intervalDisagreement += nc * nk * d * d / (s.m - 1);
                }
        if (row.size() == 2 && row[0] && row[1]) s.twoRaters = std::make_pair(*row[0], *row[1]);
        out.push_back(std::move(s));
    }
    return out;
}

struct Point {
    std::optional<double> percent, cohen, fleiss, alphaNominal, alphaInterval;
};

/// The statistics of the units drawn `weight[u]` times each.
Point compute(const std::vector<UnitSummary>& units, const std::vector<double>& weight,
              const Ratings& ratings, bool twoRaters) {
    const size_t categories = ratings.values().size();
    const bool numeric = ratings.numeric();
    std::vector<double> nc(categories, 0), ca(categories, 0), cb(categories, 0);
    double w = 0, agreement = 0, n = 0, dNominal = 0, dInterval = 0, both = 0, agreeBoth = 0;
    for (size_t u = 0; u < units.size(); ++u) {
        const double k = weight[u];
        if (k == 0) continue;
        const UnitSummary& s = units[u];
        w += k;
        agreement += k * s.agreement;
        n += k * s.m;
        dNominal += k * s.nominalDisagreement;
        dInterval += k * s.intervalDisagreement;
        for (const auto& [c, count] : s.counts)
            nc[c] += k * count;
        if (s.twoRaters) {
            both += k;
            agreeBoth += s.twoRaters->first == s.twoRaters->second ? k : 0;
            ca[s.twoRaters->first] += k;
            cb[s.twoRaters->second] += k;
        }
    }
    Point p;
    if (w == 0) return p;
    p.percent = agreement / w;
    double chance = 0, sumSquares = 0, sum = 0, sumValueSquares = 0;
    for (size_t c = 0; c < categories; ++c) {
        chance += (nc[c] / n) * (nc[c] / n);
        sumSquares += nc[c] * nc[c];
        if (numeric) {
            sum += nc[c] * ratings.number(c);
            sumValueSquares += nc[c] * ratings.number(c) * ratings.number(c);
        }
    }
    const double eps = 1e-12;
    if (1 - chance > eps) p.fleiss = (*p.percent - chance) / (1 - chance);
    // Krippendorff: alpha = 1 - (n - 1) D_o / D_e over the coincidence matrix.
    const double expectedNominal = n * n - sumSquares;
    if (expectedNominal > eps) p.alphaNominal = 1 - (n - 1) * dNominal / expectedNominal;
    if (numeric) {
        const double expectedInterval = 2 * (n * sumValueSquares - sum * sum);
        if (expectedInterval > eps) p.alphaInterval = 1 - (n - 1) * dInterval / expectedInterval;
    }
    if (twoRaters && both > 0) {
        double pe = 0;
        for (size_t c = 0; c < categories; ++c)
            pe += (ca[c] / both) * (cb[c] / both);
        if (1 - pe > eps) p.cohen = (agreeBoth / both - pe) / (1 - pe);
    }
    return p;
}

std::vector<std::optional<double>> asList(const Point& p) {
    return {p.percent, p.cohen, p.fleiss, p.alphaNominal, p.alphaInterval};
}

nlohmann::json optional(const std::optional<double>& v) {
    return v ? nlohmann::json(*v) : nlohmann::json();
}

} // namespace

Reliability reliability(const Ratings& ratings, const BootstrapOptions& options) {
    Reliability r;
    r.units = static_cast<int64_t>(ratings.units());
    r.raters = static_cast<int64_t>(ratings.raters());
    const std::vector<UnitSummary> units = summarise(ratings);
    r.pairableUnits = static_cast<int64_t>(units.size());
    for (const auto& u : units)
        r.values += static_cast<int64_t>(u.m);
    const bool twoRaters = ratings.raters() == 2;
    const Point point = compute(units, std::vector<double>(units.size(), 1.0), ratings, twoRaters);
    Estimate* estimates[] = {&r.percentAgreement, &r.cohenKappa, &r.fleissKappa, &r.alphaNominal,
                             &r.alphaInterval};
    const auto values = asList(point);
    for (size_t s = 0; s < values.size(); ++s)
        estimates[s]->value = values[s];
    if (units.empty()) return r;
    const auto intervals = bootstrapIntervals(units.size(), options, [&](const std::vector<double>& weight) {
        return asList(compute(units, weight, ratings, twoRaters));
    });
    for (size_t s = 0; s < intervals.size(); ++s)
        if (estimates[s]->value && intervals[s]) {
            estimates[s]->low = intervals[s]->first;
            estimates[s]->high = intervals[s]->second;
        }
    return r;
}

nlohmann::json Reliability::toJson() const {
    nlohmann::json j = {
        {"n_units", units}, {"n_raters", raters}, {"n_pairable_units", pairableUnits}, {"n_values", values}};
    const std::pair<const char*, const Estimate*> named[] = {{"percent_agreement", &percentAgreement},
                                                             {"cohen_kappa", &cohenKappa},
                                                             {"fleiss_kappa", &fleissKappa},
                                                             {"alpha_nominal", &alphaNominal},
                                                             {"alpha_interval", &alphaInterval}};
    nlohmann::json ci = nlohmann::json::object();
    for (const auto& [name, e] : named) {
        j[name] = optional(e->value);
        ci[name] = e->low ? nlohmann::json::array({*e->low, *e->high}) : nlohmann::json();
    }
    j["ci95"] = ci;
    return j;
}

} // namespace gpo::stats
