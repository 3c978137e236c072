#include "model/torch_util.h"

#include "util/job_slots.h"

#include <ATen/Context.h>
#include <ATen/Parallel.h>
#include <atomic>
#include <c10/util/Exception.h>
#include <chrono>
#include <cstdlib>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>

namespace gpo::model {
namespace {

// PyPI's LibTorch does its CPU matrix products with MKL, whose results depend on how the buffers happen
// to be aligned unless its strict reproducible mode is on: a resumed run then differed from an
// uninterrupted one in the last bits (seen: PPO's loss at the first step after a resume). Set before
// MKL's first call; a user's own MKL_CBWR is kept. (Debian's LibTorch uses OpenBLAS, which ignores it.)
[[maybe_unused]] const bool kMklReproducible = [] {
    ::setenv("MKL_CBWR", "AUTO,STRICT", 0);
    return true;
}();

} // namespace

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
std::atomic<int> sharedThreads{0}; // 0: not sharing
thread_local int appliedThreads = 0;

bool sharingOff() {
    const char* share = std::getenv("GPO_SHARE_CORES");
    return share && std::string(share) == "0";
}

// Registers the process as a job and keeps its share current: the folder is read five times a second,
// which costs nothing beside a forward pass.
void startSharing(int cores) {
    auto* slots = new util::JobSlots(); // lives as long as the process: the kernel drops its lock at exit
    if (!slots->registered()) {
        delete slots;
        sharedThreads = cores;
        return;
    }
    sharedThreads = slots->share(cores).threads;
    std::thread([slots, cores] {
        for (;;) {
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
            sharedThreads = slots->share(cores).threads;
        }
    }).detach();
}
} // namespace

void setCpuThreads(int threads) {
    if (threads <= 0) return;
    requestedThreads = threads;
    at::set_num_threads(threads);
}

void useAllCores() {
    static std::once_flag once;
    std::call_once(once, [] {
        const int cores = static_cast<int>(std::thread::hardware_concurrency());
        if (cores <= 0 || requestedThreads > 0 || std::getenv("OMP_NUM_THREADS")) return;
        if (sharingOff()) {
            sharedThreads = cores; // every core, whatever else runs
            return;
        }
        startSharing(cores);
    });
    followCoreShare();
}

void followCoreShare() {
    const int want = sharedThreads.load(std::memory_order_relaxed);
    if (want <= 0 || want == appliedThreads || requestedThreads > 0) return;
    appliedThreads = want;
    at::set_num_threads(want);
}

std::string errorText(const std::exception& e) {
    if (const auto* c = dynamic_cast<const c10::Error*>(&e)) return c->what_without_backtrace();
    return e.what();
}

} // namespace gpo::model
