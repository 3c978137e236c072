#include "model/flops.h"

#include <c10/core/InferenceMode.h>
#include <chrono>

namespace gpo::model {

static double matmulGflops(const at::Device& device, at::ScalarType dtype, int64_t n, double seconds);

double forwardFlopsPerToken(const ModelConfig& c, double context) {
    const double d = static_cast<double>(c.hidden), hd = static_cast<double>(c.headDim);
    const double attnWeights = d * hd * static_cast<double>(2 * c.heads + 2 * c.kvHeads);
    const double mlpWeights =
        d * static_cast<double>(c.intermediate) * (c.family == Family::Gpt2 ? 2.0 : 3.0);
    const double head = d * static_cast<double>(c.vocabSize);
    const double attention = 4.0 * context * hd * static_cast<double>(c.heads); // QK^T and PV, per layer
    return 2.0 * (static_cast<double>(c.layers) * (attnWeights + mlpWeights) + head) +
           static_cast<double>(c.layers) * attention;
}

double measureMatmulPeakGflops(const at::Device& device, at::ScalarType dtype, int64_t n, double seconds) {
    // The best of several sizes: on a CPU mid-sized products often beat large ones (cache blocking).
    double best = 0;
    for (int64_t size = n / 4; size <= n; size *= 2)
        best = std::max(best, matmulGflops(device, dtype, size, seconds / 3));
    return best;
}

double matmulGflops(const at::Device& device, at::ScalarType dtype, int64_t n, double seconds) {
    c10::InferenceMode guard;
    const auto opts = at::TensorOptions().dtype(dtype).device(device);
    const at::Tensor a = at::randn({n, n}, opts), b = at::randn({n, n}, opts);
    at::Tensor c = at::matmul(a, b); // warm-up
    auto sync = [&] {
        (void)c.sum().item<double>(); // waits for the device
    };
    sync();
    double best = 0;
    const auto start = std::chrono::steady_clock::now();
    do {
        const auto t0 = std::chrono::steady_clock::now();
        c = at::matmul(a, b);
        sync();
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        best = std::max(best, 2.0 * static_cast<double>(n) * static_cast<double>(n) * static_cast<double>(n) /
                                  s / 1e9);
    } while (std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() < seconds);
    return best;
}

} // namespace gpo::model
