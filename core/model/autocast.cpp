#include "model/autocast.h"

#include <ATen/autocast_mode.h>
#include <torch/version.h>

namespace gpo::model {
namespace {

// LibTorch 2.4 made autocast per device type (set_autocast_enabled(device, on)) and deprecated the
// per-backend calls that 1.13 has alone: each build takes the calls its LibTorch has, without warnings.
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
bool enabled(at::DeviceType device) {
    return at::autocast::is_autocast_enabled(device);
}
void enable(at::DeviceType device, bool on) {
    at::autocast::set_autocast_enabled(device, on);
}
void useBFloat16(at::DeviceType device) {
    at::autocast::set_autocast_dtype(device, at::kBFloat16);
}
#else
bool enabled(at::DeviceType device) {
    return device == at::kCUDA ? at::autocast::is_enabled() : at::autocast::is_cpu_enabled();
}
void enable(at::DeviceType device, bool on) {
    if (device == at::kCUDA)
        at::autocast::set_enabled(on);
    else
        at::autocast::set_cpu_enabled(on);
}
void useBFloat16(at::DeviceType device) {
    if (device == at::kCUDA)
        at::autocast::set_autocast_gpu_dtype(at::kBFloat16);
    else
        at::autocast::set_autocast_cpu_dtype(at::kBFloat16);
}
#endif

} // namespace

Autocast::Autocast(const at::Device& device, bool on) {
    if (!on) return;
    const at::DeviceType type = device.is_cuda() ? at::kCUDA : at::kCPU;
    useBFloat16(type);
    enable(type, true);
    (device.is_cuda() ? cuda_ : cpu_) = true;
}

Autocast::~Autocast() {
    if (cuda_) enable(at::kCUDA, false);
    if (cpu_) enable(at::kCPU, false);
    if (cuda_ || cpu_) at::autocast::clear_cache();
}

NoAutocast::NoAutocast() : cuda_(enabled(at::kCUDA)), cpu_(enabled(at::kCPU)) {
    if (cuda_) enable(at::kCUDA, false);
    if (cpu_) enable(at::kCPU, false);
}

NoAutocast::~NoAutocast() {
    if (cuda_) enable(at::kCUDA, true);
    if (cpu_) enable(at::kCPU, true);
}

} // namespace gpo::model
