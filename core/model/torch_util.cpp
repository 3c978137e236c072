#include "model/torch_util.h"

#include <ATen/Context.h>
#include <ATen/Parallel.h>
#include <atomic>
#include <c10/util/Exception.h>
#include <cstdlib>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace gpo::model {

at::ScalarType toScalarType(DType d) {
    switch (d) {
    case DType::F32:
        return at::kFloat;
    case DType::F16:
        return at::kHalf;
    case DType::BF16:
        return at::kBFloat16;
    case DType::F64:
        return at::kDouble;
    case DType::I64:
        return at::kLong;
    case DType::I32:
        return at::kInt;
    case DType::I16:
        return at::kShort;
    case DType::I8:
        return at::kChar;
    case DType::U8:
        return at::kByte;
    case DType::Bool:
        return at::kBool;
    }
    throw std::invalid_argument("unknown dtype");
}

DType fromScalarType(at::ScalarType t) {
    switch (t) {
    case at::kFloat:
        return DType::F32;
    case at::kHalf:
        return DType::F16;
    case at::kBFloat16:
        return DType::BF16;
    case at::kDouble:
        return DType::F64;
    case at::kLong:
        return DType::I64;
    case at::kInt:
        return DType::I32;
    case at::kShort:
        return DType::I16;
    case at::kChar:
        return DType::I8;
    case at::kByte:
        return DType::U8;
    case at::kBool:
        return DType::Bool;
    default:
        throw std::invalid_argument(std::string("safetensors has no dtype for ") + c10::toString(t));
    }
}

at::Device parseDevice(const std::string& name) {
    if (name == "auto") return at::hasCUDA() ? at::Device(at::kCUDA, 0) : at::Device(at::kCPU);
    if (name == "cpu") return at::Device(at::kCPU);
    if (name.rfind("cuda", 0) == 0) {
        if (!at::hasCUDA())
            throw std::invalid_argument("device '" + name + "': this LibTorch has no CUDA device");
        return at::Device(name);
    }
    throw std::invalid_argument("unknown device '" + name + "' (auto, cpu, cuda, cuda:N)");
}

at::ScalarType parseDtype(const std::string& name, const std::string& storedDtype, const at::Device& device) {
    const std::string n = name == "auto" ? (device.is_cpu() ? "float32" : storedDtype) : name;
    if (n == "float32" || n == "fp32") return at::kFloat;
    if (n == "bfloat16" || n == "bf16") return at::kBFloat16;
    if (n == "float16" || n == "fp16" || n == "half") return at::kHalf;
    throw std::invalid_argument("unknown dtype '" + name + "' (auto, float32, bfloat16, float16)");
}

std::string scalarTypeName(at::ScalarType t) {
    switch (t) {
    case at::kFloat:
        return "float32";
    case at::kBFloat16:
        return "bfloat16";
    case at::kHalf:
        return "float16";
    default:
        return c10::toString(t);
    }
}

namespace {
std::atomic<int> requestedThreads{0};
}

void setCpuThreads(int threads) {
    if (threads <= 0) return;
    requestedThreads = threads;
    at::set_num_threads(threads);
}

void useAllCores() {
    static std::once_flag once;
    std::call_once(once, [] {
        if (requestedThreads > 0 || std::getenv("OMP_NUM_THREADS")) return;
        const unsigned cores = std::thread::hardware_concurrency();
        if (cores > 0) at::set_num_threads(static_cast<int>(cores));
    });
}

std::string errorText(const std::exception& e) {
    if (const auto* c = dynamic_cast<const c10::Error*>(&e)) return c->what_without_backtrace();
    return e.what();
}

} // namespace gpo::model
