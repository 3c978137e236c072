#include "train/value_head.h"

#include "model/safetensors.h"
#include "model/sampler.h"
#include "util/input_error.h"

#include <cmath>

namespace gpo::train {
namespace {
constexpr const char* kWeight = "v_head.summary.weight";
constexpr const char* kBias = "v_head.summary.bias";
} // namespace

ValueHead ValueHead::create(int64_t hidden, uint64_t seed, const at::Device& device) {
    std::vector<float> w(static_cast<size_t>(hidden));
    const double bound = 1.0 / std::sqrt(static_cast<double>(hidden));
    for (size_t i = 0; i < w.size(); ++i)
        w[i] = static_cast<float>((2.0 * model::uniformFor(seed ^ 0x76686561ull, i) - 1.0) * bound);
    ValueHead h;
    h.weight_ = at::tensor(w, at::kFloat).view({1, hidden}).to(device);
    h.bias_ = at::zeros({1}, at::TensorOptions().dtype(at::kFloat).device(device));
    return h;
}

ValueHead ValueHead::load(const std::string& file, int64_t hidden, const at::Device& device) {
    const model::SafetensorsFile f(file);
    auto read = [&](const char* name, std::vector<int64_t> shape) {
        const model::TensorInfo* t = f.find(name);
        if (!t) throw InputError(file, 0, std::string("tensor '") + name + "' is missing");
        if (t->dtype != model::DType::F32 || t->shape != shape)
            throw InputError(file, 0,
                             std::string("tensor '") + name + "' is not float32 of shape [" +
                                 std::to_string(shape[0]) +
                                 (shape.size() > 1 ? ", " + std::to_string(shape[1]) : "") +
                                 "] (the policy's hidden size is " + std::to_string(hidden) + ")");
        return at::from_blob(const_cast<uint8_t*>(f.data(*t)), shape, at::kFloat).clone().to(device);
    };
    ValueHead h;
    h.weight_ = read(kWeight, {1, hidden});
    h.bias_ = read(kBias, {1});
    return h;
}

at::Tensor ValueHead::operator()(const at::Tensor& hidden) const {
    return at::linear(hidden.to(at::kFloat), weight_, bias_).squeeze(-1);
}

void ValueHead::save(const std::string& file) const {
    const at::Tensor w = weight_.detach().to(at::kCPU).contiguous(),
                     b = bias_.detach().to(at::kCPU).contiguous();
    model::writeSafetensors(file, {{kWeight, model::DType::F32, {1, w.size(1)}, w.data_ptr()},
                                   {kBias, model::DType::F32, {1}, b.data_ptr()}});
}

} // namespace gpo::train
