#pragma once
// Small bridges between our types and LibTorch's (only for the model library's own files).
#include "model/safetensors.h"

#include <ATen/ATen.h>
#include <string>

namespace gpo::model {

at::ScalarType toScalarType(DType d);
DType fromScalarType(at::ScalarType t); // throws std::invalid_argument for types safetensors lacks

/// "auto" (CUDA when LibTorch has a device, else CPU), "cpu", "cuda", "cuda:N".
at::Device parseDevice(const std::string& name);
/// "auto" (float32 on CPU, the checkpoint's own type on CUDA), "float32", "bfloat16", "float16".
at::ScalarType parseDtype(const std::string& name, const std::string& storedDtype, const at::Device& device);
std::string scalarTypeName(at::ScalarType t); // "float32", "bfloat16", ...

/// An exception's message for people: LibTorch's errors without the C++ backtrace they carry.
std::string errorText(const std::exception& e);

/// Gives LibTorch's and OpenBLAS's OpenMP pools this process's share of the machine's cores (see
/// util/job_slots.h): every core alone, half beside one other job, and so on, followed as jobs start
/// and end. OMP_NUM_THREADS or setCpuThreads fix the count instead; GPO_SHARE_CORES=0 takes every core
/// regardless. (Debian's LibTorch starts with one thread here, which halves matmul speed on two cores.)
void useAllCores();
/// Applies a change of this process's share of the cores on the calling thread (OpenMP's thread count
/// is per thread). Cheap: the forward pass calls it.
void followCoreShare();
/// Uses `threads` CPU threads from now on (LibTorch's pool and OpenBLAS's), whatever the share says.
void setCpuThreads(int threads);

} // namespace gpo::model
