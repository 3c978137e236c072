#include "model/autocast.h"

#include <ATen/autocast_mode.h>

namespace gpo::model {

Autocast::Autocast(const at::Device& device, bool enabled) {
    if (!enabled) return;
    if (device.is_cuda()) {
        at::autocast::set_autocast_gpu_dtype(at::kBFloat16);
        at::autocast::set_enabled(true);
        cuda_ = true;
    } else {
        at::autocast::set_autocast_cpu_dtype(at::kBFloat16);
        at::autocast::set_cpu_enabled(true);
        cpu_ = true;
    }
}

Autocast::~Autocast() {
    if (cuda_) at::autocast::set_enabled(false);
    if (cpu_) at::autocast::set_cpu_enabled(false);
    if (cuda_ || cpu_) at::autocast::clear_cache();
}

NoAutocast::NoAutocast() : cuda_(at::autocast::is_enabled()), cpu_(at::autocast::is_cpu_enabled()) {
    if (cuda_) at::autocast::set_enabled(false);
    if (cpu_) at::autocast::set_cpu_enabled(false);
}

NoAutocast::~NoAutocast() {
    if (cuda_) at::autocast::set_enabled(true);
    if (cpu_) at::autocast::set_cpu_enabled(true);
}

} // namespace gpo::model
