#include "model/lora.h"

#include "data/json_source.h"
#include "model/safetensors.h"
#include "model/sampler.h"
#include "model/transformer.h"
#include "util/input_error.h"

#include <ATen/core/grad_mode.h>
#include <c10/core/InferenceMode.h>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

namespace gpo::model {
namespace fs = std::filesystem;
namespace {

const std::set<std::string> kAllLinear = {"q_proj",  "k_proj",    "v_proj", "o_proj", "gate_proj",
                                          "up_proj", "down_proj", "c_attn", "c_proj", "c_fc"};
constexpr const char* kPrefix = "base_model.model.";

/// The layer a weight belongs to ("….q_proj" for "….q_proj.weight"), and that layer's own name.
std::pair<std::string, std::string> layerOf(const std::string& weightName) {
    const std::string suffix = ".weight";
    if (weightName.size() <= suffix.size() ||
        weightName.compare(weightName.size() - suffix.size(), suffix.size(), suffix) != 0)
        return {};
    const std::string layer = weightName.substr(0, weightName.size() - suffix.size());
    const size_t dot = layer.rfind('.');
    return {layer, dot == std::string::npos ? layer : layer.substr(dot + 1)};
}

bool targeted(const std::string& shortName, const std::vector<std::string>& targets) {
    for (const auto& t : targets)
        if (t == shortName || (t == "all-linear" && kAllLinear.count(shortName))) return true;
    return false;
}

uint64_t nameKey(const std::string& name) {
    uint64_t h = 0xCBF29CE484222325ull; // FNV-1a
    for (const unsigned char ch : name)
        h = (h ^ ch) * 0x100000001B3ull;
    return h;
}

} // namespace

std::shared_ptr<LoraAdapter> LoraAdapter::create(const Transformer& model, const LoraSpec& spec) {
    if (spec.r < 1) throw std::invalid_argument("LoRA rank must be at least 1");
    auto adapter = std::make_shared<LoraAdapter>();
    adapter->spec_ = spec;
    const bool conv1d = model.config().family == Family::Gpt2;
    const at::TensorOptions f32 = at::TensorOptions().dtype(at::kFloat).device(model.options().device());
    for (const auto& [name, w] : model.weights()) {
        const auto [layer, shortName] = layerOf(name);
        if (layer.empty() || w.dim() != 2 || !targeted(shortName, spec.targetModules)) continue;
        const int64_t in = conv1d ? w.size(0) : w.size(1), out = conv1d ? w.size(1) : w.size(0);
        std::vector<float> a(static_cast<size_t>(spec.r * in));
        const double bound = 1.0 / std::sqrt(static_cast<double>(in)); // kaiming_uniform(a=sqrt(5))
        const uint64_t key = spec.seed ^ nameKey(layer);
        for (size_t i = 0; i < a.size(); ++i)
            a[i] = static_cast<float>((2.0 * uniformFor(key, i) - 1.0) * bound);
        Module m{layer, at::tensor(a, at::kFloat).view({spec.r, in}).to(f32.device()),
                 at::zeros({out, spec.r}, f32), conv1d};
        adapter->byWeight_[w.unsafeGetTensorImpl()] = adapter->modules_.size();
        adapter->modules_.push_back(std::move(m));
    }
    if (adapter->modules_.empty()) {
        std::string targets;
        for (const auto& t : spec.targetModules)
            targets += (targets.empty() ? "" : ", ") + t;
        throw std::invalid_argument("lora_target_modules (" + targets + ") matches no layer of this model");
    }
    return adapter;
}

bool LoraAdapter::isAdapterFolder(const std::string& dir) {
    return fs::exists(fs::path(dir) / "adapter_config.json");
}

std::string LoraAdapter::baseOf(const std::string& dir) {
    const std::string file = (fs::path(dir) / "adapter_config.json").string();
    const auto j = readJsonDocument(file);
    if (!j.is_object() || !j.contains("base_model_name_or_path") || !j["base_model_name_or_path"].is_string())
        throw InputError(file, 0, "\"base_model_name_or_path\" is missing: which checkpoint does it adapt?");
    const fs::path base = j["base_model_name_or_path"].get<std::string>();
    return (base.is_absolute() ? base : fs::path(dir) / base).lexically_normal().string();
}

std::shared_ptr<LoraAdapter> LoraAdapter::load(const std::string& dir, const Transformer& model) {
    const std::string configFile = (fs::path(dir) / "adapter_config.json").string();
    const auto j = readJsonDocument(configFile);
    auto fail = [&](const std::string& why) { throw InputError(configFile, 0, why); };
    if (!j.is_object()) fail("not a JSON object");
    if (j.value("peft_type", std::string("LORA")) != "LORA")
        fail("peft_type " + j.value("peft_type", std::string()) + " is not LORA");
    LoraSpec spec;
    if (!j.contains("r") || !j["r"].is_number_integer() || j["r"].get<int64_t>() < 1)
        fail("\"r\" must be a whole number of at least 1");
    spec.r = j["r"].get<int64_t>();
    spec.alpha = j.value("lora_alpha", static_cast<double>(spec.r));
    spec.dropout = j.value("lora_dropout", 0.0);
    if (j.value("use_dora", false) || j.value("use_rslora", false))
        fail("DoRA and rsLoRA adapters are not supported");
    const auto targets = j.value("target_modules", nlohmann::json());
    spec.targetModules.clear();
    if (targets.is_string()) spec.targetModules.push_back(targets.get<std::string>());
    if (targets.is_array())
        for (const auto& t : targets)
            if (t.is_string()) spec.targetModules.push_back(t.get<std::string>());

    const std::string weightsFile = (fs::path(dir) / "adapter_model.safetensors").string();
    const SafetensorsFile file(weightsFile);
    auto adapter = std::make_shared<LoraAdapter>();
    adapter->spec_ = spec;
    const bool conv1d = model.config().family == Family::Gpt2;
    const at::Device device = model.options().device();
    for (const auto& [name, w] : model.weights()) {
        const auto [layer, shortName] = layerOf(name);
        if (layer.empty() || w.dim() != 2) continue;
        const TensorInfo* a = file.find(kPrefix + layer + ".lora_A.weight");
        const TensorInfo* b = file.find(kPrefix + layer + ".lora_B.weight");
        if (!a && !b) continue;
        const int64_t in = conv1d ? w.size(0) : w.size(1), out = conv1d ? w.size(1) : w.size(0);
        auto read = [&](const TensorInfo* t, const std::string& which, std::vector<int64_t> shape) {
            if (!t)
                throw InputError(weightsFile, 0,
                                 std::string("tensor '") + kPrefix + layer + which + "' is missing");
            if (t->shape != shape)
                throw InputError(weightsFile, 0, "tensor '" + t->name + "' does not fit layer " + layer);
            at::ScalarType type = at::kFloat;
            if (t->dtype == DType::BF16)
                type = at::kBFloat16;
            else if (t->dtype == DType::F16)
                type = at::kHalf;
            else if (t->dtype != DType::F32)
                throw InputError(weightsFile, 0, "tensor '" + t->name + "' is not floating point");
            return at::from_blob(const_cast<uint8_t*>(file.data(*t)), shape, type)
                .to(at::kFloat)
                .clone()
                .to(device);
        };
        Module m{layer, read(a, ".lora_A.weight", {spec.r, in}), read(b, ".lora_B.weight", {out, spec.r}),
                 conv1d};
        adapter->byWeight_[w.unsafeGetTensorImpl()] = adapter->modules_.size();
        adapter->modules_.push_back(std::move(m));
    }
    if (adapter->modules_.empty())
        throw InputError(weightsFile, 0, "no LoRA tensor matches a layer of the base model");
    return adapter;
}

void LoraAdapter::save(const std::string& dir, const std::string& baseModel) const {
    fs::create_directories(dir);
    std::vector<at::Tensor> keep;
    std::vector<TensorToWrite> tensors;
    for (const Module& m : modules_)
        for (const auto& [which, t] :
             {std::pair<const char*, const at::Tensor*>{".lora_A.weight", &m.a}, {".lora_B.weight", &m.b}}) {
            keep.push_back(t->detach().to(at::kCPU).contiguous());
            tensors.push_back(
                {kPrefix + m.name + which, DType::F32, keep.back().sizes().vec(), keep.back().data_ptr()});
        }
    writeSafetensors((fs::path(dir) / "adapter_model.safetensors").string(), tensors, {{"format", "pt"}});
    // The layer names adapted, as PEFT writes them: PEFT expands "all-linear" only when it creates an
    // adapter, and refuses to load a config that still says it (found by tests/reference/peft_parity.py).
    std::set<std::string> adapted;
    for (const Module& m : modules_)
        adapted.insert(layerOf(m.name + ".weight").second);
    const nlohmann::json config{{"peft_type", "LORA"},
                                {"task_type", "CAUSAL_LM"},
                                {"base_model_name_or_path", baseModel},
                                {"r", spec_.r},
                                {"lora_alpha", spec_.alpha},
                                {"lora_dropout", spec_.dropout},
                                {"target_modules", std::vector<std::string>(adapted.begin(), adapted.end())},
                                {"bias", "none"},
                                {"fan_in_fan_out", !modules_.empty() && modules_.front().fanInFanOut},
                                {"inference_mode", true},
                                {"init_lora_weights", true},
                                {"use_rslora", false},
                                {"use_dora", false},
                                {"modules_to_save", nullptr}};
    const fs::path tmp = fs::path(dir) / "adapter_config.json.partial";
    std::ofstream(tmp) << config.dump(2) << "\n";
    fs::rename(tmp, fs::path(dir) / "adapter_config.json");
}

const LoraAdapter::Module* LoraAdapter::find(const at::Tensor& weight) const {
    const auto it = byWeight_.find(weight.unsafeGetTensorImpl());
    return it == byWeight_.end() ? nullptr : &modules_[it->second];
}

at::Tensor LoraAdapter::delta(const Module& m, const at::Tensor& x) const {
    at::Tensor in = x.to(at::kFloat);
    if (spec_.dropout > 0 && at::GradMode::is_enabled() && !c10::InferenceMode::is_enabled())
        in = at::dropout(in, spec_.dropout, true);
    return (at::matmul(at::matmul(in, m.a.t()), m.b.t()) * scale()).to(x.scalar_type());
}

WeightMap LoraAdapter::merged(const WeightMap& base) const {
    WeightMap out = base;
    for (const Module& m : modules_) {
        auto it = out.find(m.name + ".weight");
        if (it == out.end()) continue;
        at::Tensor d = at::matmul(m.b.detach(), m.a.detach()) * scale(); // [out, in]
        if (m.fanInFanOut) d = d.t();
        it->second = (it->second.detach().to(at::kFloat) + d.to(it->second.device()))
                         .to(it->second.scalar_type())
                         .contiguous();
    }
    return out;
}

std::vector<at::Tensor> LoraAdapter::parameters() const {
    std::vector<at::Tensor> out;
    for (const Module& m : modules_) {
        out.push_back(m.a);
        out.push_back(m.b);
    }
    return out;
}

} // namespace gpo::model
