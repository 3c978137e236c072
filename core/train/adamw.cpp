#include "train/adamw.h"

#include "model/safetensors.h"
#include "model/torch_util.h"
#include "util/input_error.h"

#include <c10/core/GradMode.h>
#include <cmath>

namespace gpo::train {

AdamW::AdamW(std::vector<at::Tensor> params, AdamWOptions options)
    : params_(std::move(params)), options_(options) {
    for (const auto& p : params_) {
        m_.push_back(at::zeros_like(p, at::kFloat));
        v_.push_back(at::zeros_like(p, at::kFloat));
    }
}

void AdamW::zeroGrad() {
    for (auto& p : params_)
        if (p.grad().defined()) p.mutable_grad().zero_();
}

double AdamW::clipGradNorm(double maxNorm) {
    c10::NoGradGuard noGrad;
    double total = 0;
    for (const auto& p : params_)
        if (p.grad().defined()) total += p.grad().to(at::kFloat).pow(2).sum().item<double>();
    const double norm = std::sqrt(total);
    if (maxNorm > 0 && norm > maxNorm)
        for (auto& p : params_)
            if (p.grad().defined()) p.mutable_grad().mul_(maxNorm / (norm + 1e-6));
    return norm;
}

void AdamW::step(double lr) {
    c10::NoGradGuard noGrad;
    ++steps_;
    const double b1 = options_.beta1, b2 = options_.beta2;
    const double correction1 = 1 - std::pow(b1, static_cast<double>(steps_));
    const double correction2 = 1 - std::pow(b2, static_cast<double>(steps_));
    for (size_t i = 0; i < params_.size(); ++i) {
        at::Tensor& p = params_[i];
        if (!p.grad().defined()) continue;
        const at::Tensor g = p.grad().to(at::kFloat);
        m_[i].mul_(b1).add_(g, 1 - b1);
        v_[i].mul_(b2).addcmul_(g, g, 1 - b2);
        // Decay matrices only: norms and biases (1-D) keep their scale.
        if (p.dim() >= 2 && options_.weightDecay > 0) p.mul_(1 - lr * options_.weightDecay);
        const at::Tensor update = (m_[i] / correction1) / ((v_[i] / correction2).sqrt_().add_(options_.eps));
        p.sub_(update.to(p.scalar_type()), lr);
    }
}

void AdamW::save(const std::string& path) const {
    std::vector<at::Tensor> keep;
    std::vector<model::TensorToWrite> out;
    for (size_t i = 0; i < params_.size(); ++i)
        for (const auto& [prefix, t] : {std::pair{"m.", &m_[i]}, std::pair{"v.", &v_[i]}}) {
            keep.push_back(t->to(at::kCPU).contiguous());
            out.push_back({prefix + std::to_string(i), model::DType::F32, keep.back().sizes().vec(),
                           keep.back().data_ptr()});
        }
    model::writeSafetensors(path, out, {{"steps", std::to_string(steps_)}});
}

void AdamW::load(const std::string& path) {
    model::SafetensorsFile f(path);
    for (size_t i = 0; i < params_.size(); ++i)
        for (const auto& [prefix, t] : {std::pair{"m.", &m_[i]}, std::pair{"v.", &v_[i]}}) {
            const model::TensorInfo* info = f.find(prefix + std::to_string(i));
            if (!info || info->dtype != model::DType::F32 || info->shape != t->sizes().vec())
                throw InputError(path, 0,
                                 "optimizer state does not match the model (" + std::string(prefix) +
                                     std::to_string(i) + ")");
            t->copy_(at::from_blob(const_cast<uint8_t*>(f.data(*info)), info->shape, at::kFloat));
        }
    const auto it = f.metadata().find("steps");
    steps_ = it == f.metadata().end() ? 0 : std::stoll(it->second);
}

} // namespace gpo::train
