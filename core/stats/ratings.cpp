#include "stats/ratings.h"

#include "data/csv.h"
#include "util/input_error.h"
#include "util/text.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace gpo::stats {
namespace {

std::optional<double> parseNumber(const std::string& s) {
    double v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
    return v;
}

size_t indexOf(std::map<std::string, size_t>& index, std::vector<std::string>& names,
               const std::string& name) {
    const auto [it, added] = index.emplace(name, names.size());
    if (added) names.push_back(name);
    return it->second;
}

} // namespace

void Ratings::add(const std::string& unit, const std::string& rater, std::optional<std::string> value) {
    const size_t u = indexOf(unitIndex_, unitNames_, unit);
    const size_t r = indexOf(raterIndex_, raterNames_, rater);
    if (!value) return;
    if (!cells_.emplace(std::make_pair(u, r), *value).second)
        throw std::invalid_argument("rater '" + rater + "' rated unit '" + unit + "' twice");
    distinct_.insert(*value);
    indexed_ = false;
}

void Ratings::index() const {
    if (indexed_) return;
    indexed_ = true;
    values_.assign(distinct_.begin(), distinct_.end());
    numeric_ =
        std::all_of(values_.begin(), values_.end(), [](const std::string& v) { return parseNumber(v); });
    numbers_.clear();
    if (!numeric_) return;
    std::sort(values_.begin(), values_.end(),
              [](const std::string& a, const std::string& b) { return *parseNumber(a) < *parseNumber(b); });
    for (const auto& v : values_)
        numbers_.push_back(*parseNumber(v));
}

double Ratings::number(size_t valueIndex) const {
    if (!numeric()) throw std::logic_error("ratings are not all numbers");
    return numbers_.at(valueIndex);
}

std::vector<std::optional<size_t>> Ratings::row(size_t unit) const {
    index();
    std::vector<std::optional<size_t>> out(raterNames_.size());
    for (auto it = cells_.lower_bound({unit, 0}); it != cells_.end() && it->first.first == unit; ++it) {
        const auto at = numeric_
                            ? std::lower_bound(numbers_.begin(), numbers_.end(), *parseNumber(it->second)) -
                                  numbers_.begin()
                            : std::lower_bound(values_.begin(), values_.end(), it->second) - values_.begin();
        out[it->first.second] = static_cast<size_t>(at);
    }
    return out;
}

Ratings readRatingsCsv(const std::string& path) {
    requireNotDirectory(path);
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError(path, 0, "cannot open the file");
    std::stringstream buffer;
    buffer << in.rdbuf();
    const std::string data = buffer.str();
    Ratings ratings;
    std::optional<size_t> unitCol, raterCol, valueCol;
    bool header = true;
    // Values are collected first: a cell's index depends on every value of the table.
    csv::forEachRow(data, path, [&](const csv::Row& row) {
        if (header) {
            header = false;
            for (size_t i = 0; i < row.fields.size(); ++i) {
                std::string name = text::trimmed(row.fields[i]);
                std::transform(name.begin(), name.end(), name.begin(),
                               [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
                if (name == "unit") unitCol = i;
                if (name == "rater") raterCol = i;
                if (name == "value") valueCol = i;
            }
            if (!unitCol || !raterCol || !valueCol)
                throw InputError(path, row.line, "the header must name the columns unit, rater and value");
            return;
        }
        if (row.fields.size() == 1 && text::trimmed(row.fields[0]).empty()) return; // a blank line
        const size_t need = std::max({*unitCol, *raterCol, *valueCol}) + 1;
        if (row.fields.size() < need)
            throw InputError(path, row.line,
                             "expected at least " + std::to_string(need) + " fields, found " +
                                 std::to_string(row.fields.size()));
        const std::string unit = text::trimmed(row.fields[*unitCol]);
        const std::string rater = text::trimmed(row.fields[*raterCol]);
        const std::string value = text::trimmed(row.fields[*valueCol]);
        if (unit.empty() || rater.empty()) throw InputError(path, row.line, "empty unit or rater");
        const bool missing = value.empty() || value == "NA" || value == "na" || value == "." || value == "*";
        try {
            ratings.add(unit, rater, missing ? std::nullopt : std::optional<std::string>(value));
        } catch (const std::invalid_argument& e) {
            throw InputError(path, row.line, e.what());
        }
    });
    if (header) throw InputError(path, 0, "the file is empty");
    return ratings;
}

} // namespace gpo::stats
