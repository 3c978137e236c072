#pragma once
// TensorBoard's scalar smoothing (webapp/widgets/line_chart_v2/data_transformer.ts, classicSmoothing): a
// first-order low-pass filter with the start-up bias taken out, so a curve smoothed with weight w reads
// the same as it does in TensorBoard. With EMA_0 = 0 and t counting the finite points so far,
//   EMA_t = w·EMA_{t−1} + (1−w)·y_t,   shown: EMA_t / (1 − w^t)   (w = 1: EMA_t as is).
// A point that is not finite is shown as it is and not accumulated; a series whose values are all equal
// is shown unchanged.
#include <cstddef>
#include <vector>

namespace gpo::stats {

/// Smooths a series point by point, so a curve that grows is smoothed without starting over.
class TensorBoardSmoother {
public:
    /// `weight` is clamped to [0, 1]; a weight that is not finite counts as 0 (no smoothing).
    explicit TensorBoardSmoother(double weight);
    /// The smoothed value of the next point.
    double push(double y);
    double weight() const { return weight_; }

private:
    double weight_;
    double last_ = 0;
    size_t accumulated_ = 0;
    double first_ = 0;
    bool constant_ = true; ///< every finite value so far equals the first: shown exactly (TensorBoard #786)
};

/// The whole series smoothed, as TensorBoard shows it.
std::vector<double> tensorBoardSmoothing(const std::vector<double>& values, double weight);

/// TensorBoard's default smoothing weight (METRICS_SETTINGS_DEFAULT.scalarSmoothing).
inline constexpr double kTensorBoardDefaultSmoothing = 0.6;

} // namespace gpo::stats
