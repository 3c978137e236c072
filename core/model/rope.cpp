#include "model/rope.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace gpo::model {
namespace {

constexpr double kPi = std::numbers::pi;

/// base^(2i / dim) for i < dim / 2: the wavelengths' scale, whose reciprocals are the default frequencies.
at::Tensor basePowers(double base, int64_t dim) {
    return at::pow(base, at::arange(0, dim, 2, at::kLong).to(at::kFloat) / static_cast<double>(dim));
}

at::Tensor defaultInvFreq(double base, int64_t dim) {
    return basePowers(base, dim).reciprocal();
}

// Llama 3.1's smooth interpolation: long wavelengths scaled by the factor, short ones kept, the band
// between blended.
at::Tensor llama3(const at::Tensor& invFreq, const RopeScaling& s) {
    const double old = static_cast<double>(s.originalMaxPositions);
    const double lowWavelen = old / s.lowFreqFactor, highWavelen = old / s.highFreqFactor;
    const at::Tensor wavelen = (2 * kPi) / invFreq;
    at::Tensor scaled = at::where(wavelen > lowWavelen, invFreq / s.factor, invFreq);
    const at::Tensor smooth = (old / wavelen - s.lowFreqFactor) / (s.highFreqFactor - s.lowFreqFactor);
    const at::Tensor smoothed = (1 - smooth) * scaled / s.factor + smooth * scaled;
    const at::Tensor medium = (wavelen < highWavelen).logical_not() & (wavelen > lowWavelen).logical_not();
    return at::where(medium, smoothed, scaled);
}

// YaRN: interpolated frequencies below the correction range, extrapolated above, a linear ramp between.
at::Tensor yarn(double base, int64_t dim, const RopeScaling& s) {
    const double maxPositions = static_cast<double>(s.originalMaxPositions);
    auto correctionDim = [&](double rotations) {
        return (static_cast<double>(dim) * std::log(maxPositions / (rotations * 2 * kPi))) /
               (2 * std::log(base));
    };
    double low = correctionDim(s.betaFast), high = correctionDim(s.betaSlow);
    if (s.truncate) {
        low = std::floor(low);
        high = std::ceil(high);
    }
    low = std::max(low, 0.0);
    high = std::min(high, static_cast<double>(dim - 1));
    if (low == high) high += 0.001; // as transformers: no singular ramp
    const at::Tensor ramp = ((at::arange(dim / 2, at::kFloat) - low) / (high - low)).clamp(0, 1);
    const at::Tensor posFreqs = basePowers(base, dim);
    const at::Tensor extrapolation = 1.0 / posFreqs, interpolation = 1.0 / (s.factor * posFreqs);
    const at::Tensor extrapolationFactor = 1 - ramp;
    return interpolation * (1 - extrapolationFactor) + extrapolation * extrapolationFactor;
}

} // namespace

RopeFrequencies ropeFrequencies(const ModelConfig& c) {
    const RopeScaling& s = c.rope;
    if (s.type == "dynamic") return {defaultInvFreq(c.ropeTheta, c.headDim), 1.0};
    if (s.type == "linear") return {defaultInvFreq(c.ropeTheta, c.headDim) / s.factor, 1.0};
    if (s.type == "llama3") return {llama3(defaultInvFreq(c.ropeTheta, c.headDim), s), 1.0};
    if (s.type == "yarn") return {yarn(c.ropeTheta, c.headDim, s), s.attentionFactor};
    return {defaultInvFreq(c.ropeTheta, c.headDim), 1.0};
}

} // namespace gpo::model
