#include "stats/smoothing.h"

#include <algorithm>
#include <cmath>

namespace gpo::stats {

TensorBoardSmoother::TensorBoardSmoother(double weight)
    : weight_(std::isfinite(weight) ? std::clamp(weight, 0.0, 1.0) : 0.0) {}

double TensorBoardSmoother::push(double y) {
    if (!std::isfinite(y)) return y;
    if (accumulated_ == 0) first_ = y;
    constant_ = constant_ && y == first_;
    last_ = last_ * weight_ + (1 - weight_) * y;
    ++accumulated_;
    if (constant_ && weight_ < 1.0) return y; // a constant filtered is the constant, up to rounding: exact
    const double debias = weight_ == 1.0 ? 1.0 : 1.0 - std::pow(weight_, static_cast<double>(accumulated_));
    return last_ / debias;
}

std::vector<double> tensorBoardSmoothing(const std::vector<double>& values, double weight) {
    // TensorBoard #786: a constant series stays exactly constant (no rounding from the filter).
    if (std::all_of(values.begin(), values.end(), [&](double v) { return v == values.front(); }))
        return values;
    TensorBoardSmoother smoother(weight);
    std::vector<double> out;
    out.reserve(values.size());
    for (double v : values)
        out.push_back(smoother.push(v));
    return out;
}

} // namespace gpo::stats
