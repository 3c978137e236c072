#pragma once
// Inter-rater reliability of a ratings table (stats/ratings.h): percent agreement, Cohen's kappa, Fleiss'
// kappa and Krippendorff's alpha (nominal and interval, missing cells allowed), with percentile bootstrap
// 95% intervals over units.
//
// Each statistic is a function of per-unit summaries, so a bootstrap resample only reweights units
// (sum of the units' contributions times how often each was drawn): a resample costs one pass over the
// units, which keeps 1,000 resamples of a 10,000-unit study well under a second.
#include "stats/bootstrap.h"
#include "stats/ratings.h"

#include <nlohmann/json.hpp>
#include <optional>

namespace gpo::stats {

/// A statistic with its interval; nothing where the statistic is undefined for the data (e.g. Cohen's
/// kappa without exactly two raters, or alpha where every value is the same).
struct Estimate {
    std::optional<double> value;
    std::optional<double> low, high; ///< 95% percentile bootstrap interval
};

struct Reliability {
    int64_t units = 0, raters = 0;
    int64_t pairableUnits = 0; ///< units with at least two values: the ones every statistic uses
    int64_t values = 0;        ///< values in pairable units
    Estimate percentAgreement; ///< share of agreeing pairs of ratings, averaged over pairable units
    Estimate cohenKappa;       ///< exactly two raters, over units both rated
    Estimate fleissKappa;      ///< Fleiss (1971); units with fewer raters weigh by their own pairs
    Estimate alphaNominal, alphaInterval;
    nlohmann::json toJson() const;
};

Reliability reliability(const Ratings& ratings, const BootstrapOptions& options = {});

} // namespace gpo::stats
