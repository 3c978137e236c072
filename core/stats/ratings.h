#pragma once
// Reliability data: units (trajectories, items) rated by raters (people, selectors), some cells empty.
// Values are numbers (a step index, a score) or, when any value is not a number, nominal categories.
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace gpo::stats {

class Ratings {
public:
    /// Records `rater`'s value for `unit`; nothing marks a missing cell (the unit and rater still count).
    /// Throws std::invalid_argument when the cell already holds a value.
    void add(const std::string& unit, const std::string& rater, std::optional<std::string> value);

    size_t units() const { return unitNames_.size(); }
    size_t raters() const { return raterNames_.size(); }
    const std::vector<std::string>& unitNames() const { return unitNames_; }
    const std::vector<std::string>& raterNames() const { return raterNames_; }
    /// True when every value is a number: interval statistics apply.
    bool numeric() const {
        index();
        return numeric_;
    }
    /// The distinct values, sorted (numerically when numeric()).
    const std::vector<std::string>& values() const {
        index();
        return values_;
    }
    /// values()[i] as a number (numeric() only).
    double number(size_t valueIndex) const;
    /// The value index of each rater's rating of `unit`, or nothing for an empty cell.
    std::vector<std::optional<size_t>> row(size_t unit) const;

private:
    std::vector<std::string> unitNames_, raterNames_;
    std::map<std::string, size_t> unitIndex_, raterIndex_;
    std::map<std::pair<size_t, size_t>, std::string> cells_;
    std::set<std::string> distinct_;
    // The value index, built when first asked for after a change.
    mutable bool indexed_ = false;
    mutable std::vector<std::string> values_;
    mutable std::vector<double> numbers_;
    mutable bool numeric_ = true;
    void index() const;
};

/// Reads a ratings table from CSV with a header naming the columns `unit`, `rater` and `value` (any order,
/// other columns ignored). An empty value or NA is a missing cell. Throws InputError naming the file and
/// line of a missing column, a short row or a cell given twice.
Ratings readRatingsCsv(const std::string& path);

} // namespace gpo::stats
