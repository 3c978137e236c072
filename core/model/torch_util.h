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

/// Uses every core for LibTorch's and OpenBLAS's OpenMP pools unless OMP_NUM_THREADS says otherwise
/// (Debian's LibTorch starts with one thread here, which halves matmul speed on two cores).
void useAllCores();
/// Uses `threads` CPU threads from now on (LibTorch's pool and OpenBLAS's), whatever useAllCores says.
void setCpuThreads(int threads);

} // namespace gpo::model
