#pragma once
// Reading and writing a checkpoint's tensors: model.safetensors, or shards listed by
// model.safetensors.index.json.
#include <ATen/ATen.h>
#include <map>
#include <string>

namespace gpo::model {

using WeightMap = std::map<std::string, at::Tensor>;

/// All tensors of the checkpoint in `dir`, converted to `dtype` on `device` (integer tensors keep their
/// type). Throws InputError naming the file at fault.
WeightMap loadWeights(const std::string& dir, at::ScalarType dtype, const at::Device& device);

/// Writes `weights` as `dir`/model.safetensors in `dtype` (atomically).
void saveWeights(const std::string& dir, const WeightMap& weights, at::ScalarType dtype);

} // namespace gpo::model
