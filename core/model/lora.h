#pragma once
// LoRA (Hu et al. 2021) as PEFT makes it: each targeted linear layer W gains a low-rank update
// ΔW = (alpha / r) · B A, with A [r, in] drawn as nn.Linear's kaiming-uniform (±1/sqrt(in)) and B [out, r]
// zero, so training starts from the base model. Only A and B train. Adapters are saved in PEFT's layout —
// adapter_config.json and adapter_model.safetensors with PEFT's tensor names
// (base_model.model.<module>.lora_A.weight) — so PEFT and transformers load them, and merge into a plain
// checkpoint (W + ΔW; GPT-2's Conv1D weights are stored transposed: PEFT's fan_in_fan_out).
#include <ATen/ATen.h>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace gpo::model {

class Transformer;
using WeightMap = std::map<std::string, at::Tensor>;

struct LoraSpec {
    int64_t r = 16;
    double alpha = 32;
    double dropout = 0.0;
    std::vector<std::string> targetModules = {"q_proj", "v_proj"}; ///< layer names, or "all-linear"
    uint64_t seed = 0;                                             ///< draws A
};

class LoraAdapter {
public:
    struct Module {
        std::string name;         ///< the base layer, e.g. model.layers.0.self_attn.q_proj
        at::Tensor a, b;          ///< lora_A.weight [r, in], lora_B.weight [out, r] (float32)
        bool fanInFanOut = false; ///< the base weight is stored [in, out] (GPT-2's Conv1D)
    };

    /// A fresh adapter on the model's targeted layers; throws std::invalid_argument when none matches.
    static std::shared_ptr<LoraAdapter> create(const Transformer& model, const LoraSpec& spec);
    /// Reads a PEFT adapter folder for `model`; throws InputError naming the file at fault.
    static std::shared_ptr<LoraAdapter> load(const std::string& dir, const Transformer& model);
    /// Whether `dir` holds a PEFT adapter (adapter_config.json).
    static bool isAdapterFolder(const std::string& dir);
    /// The base checkpoint an adapter folder names (base_model_name_or_path, relative to the folder).
    static std::string baseOf(const std::string& dir);

    /// Writes adapter_config.json + adapter_model.safetensors; `baseModel` goes into the config.
    void save(const std::string& dir, const std::string& baseModel) const;

    /// The update of the layer whose base weight is `weight`, or null (found by the tensor's identity).
    const Module* find(const at::Tensor& weight) const;
    /// x [.., in] -> the adapter's contribution [.., out] (dropout on x while autograd records).
    at::Tensor delta(const Module& m, const at::Tensor& x) const;
    /// The base weights with every update merged in (new tensors; the model is not changed).
    WeightMap merged(const WeightMap& base) const;

    std::vector<at::Tensor> parameters() const;
    const LoraSpec& spec() const { return spec_; }
    double scale() const { return spec_.alpha / static_cast<double>(spec_.r); }

private:
    LoraSpec spec_;
    std::vector<Module> modules_;
    std::map<const void*, size_t> byWeight_; ///< base weight TensorImpl -> module
};

} // namespace gpo::model
