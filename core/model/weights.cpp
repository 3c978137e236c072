#include "model/weights.h"

#include "data/json_source.h"
#include "model/safetensors.h"
#include "model/torch_util.h"
#include "util/input_error.h"

#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

namespace gpo::model {
namespace fs = std::filesystem;

namespace {

void readFile(const std::string& path, at::ScalarType dtype, const at::Device& device, WeightMap& out) {
    SafetensorsFile file(path);
    for (const TensorInfo& info : file.tensors()) {
        const at::ScalarType stored = toScalarType(info.dtype);
        // from_blob needs a non-const pointer; the tensor is only read, then copied.
        at::Tensor view = at::from_blob(const_cast<uint8_t*>(file.data(info)), info.shape,
                                        at::TensorOptions().dtype(stored));
        const at::ScalarType target = at::isFloatingType(stored) ? dtype : stored;
        out[info.name] = view.to(device, target, /*non_blocking=*/false, /*copy=*/true);
    }
}

} // namespace

WeightMap loadWeights(const std::string& dir, at::ScalarType dtype, const at::Device& device) {
    WeightMap weights;
    const fs::path d(dir);
    const fs::path index = d / "model.safetensors.index.json";
    if (fs::exists(index)) {
        const auto doc = readJsonDocument(index.string());
        if (!doc.is_object() || !doc.contains("weight_map") || !doc["weight_map"].is_object())
            throw InputError(index.string(), 0, "needs a \"weight_map\" object");
        std::set<std::string> shards;
        for (const auto& [name, file] : doc["weight_map"].items()) {
            if (!file.is_string())
                throw InputError(index.string(), 0, "weight_map[\"" + name + "\"] is not a file name");
            shards.insert(file.get<std::string>());
        }
        for (const auto& shard : shards) {
            if (shard.find('/') != std::string::npos || shard.find("..") != std::string::npos)
                throw InputError(index.string(), 0,
                                 "shard name '" + shard + "' leaves the checkpoint folder");
            readFile((d / shard).string(), dtype, device, weights);
        }
        for (const auto& [name, file] : doc["weight_map"].items())
            if (!weights.count(name))
                throw InputError((d / file.get<std::string>()).string(), 0,
                                 "lacks tensor '" + name + "' that the index lists");
        return weights;
    }
    const fs::path single = d / "model.safetensors";
    if (!fs::exists(single))
        throw InputError(dir, 0,
                         "no model.safetensors or model.safetensors.index.json in the checkpoint folder");
    readFile(single.string(), dtype, device, weights);
    return weights;
}

void saveWeights(const std::string& dir, const WeightMap& weights, at::ScalarType dtype) {
    std::vector<at::Tensor> keep; // owns the CPU copies while writing
    std::vector<TensorToWrite> out;
    for (const auto& [name, t] : weights) {
        const at::ScalarType target = at::isFloatingType(t.scalar_type()) ? dtype : t.scalar_type();
        at::Tensor cpu = t.detach().to(at::kCPU, target).contiguous();
        keep.push_back(cpu);
        out.push_back({name, fromScalarType(target), cpu.sizes().vec(), cpu.data_ptr()});
    }
    writeSafetensors((fs::path(dir) / "model.safetensors").string(), out, {{"format", "pt"}});
}

} // namespace gpo::model
