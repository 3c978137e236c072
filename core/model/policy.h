#pragma once
// A policy: a checkpoint directory loaded for use — the transformer, its tokenizer (when the folder has
// one) and its generation defaults — on a device chosen at run time.
#include "model/model_config.h"
#include "model/tokenizer.h"
#include "model/transformer.h"

#include <ATen/ATen.h>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace gpo::model {

struct PolicyOptions {
    std::string device = "auto"; // auto, cpu, cuda, cuda:N
    std::string dtype =
        "auto"; // auto (float32 on CPU, the checkpoint's type on CUDA), float32, bfloat16, float16
};

class Policy {
public:
    /// Reads config.json, the safetensors weights and (when present) the tokenizer and
    /// generation_config.json of `dir`. A PEFT LoRA adapter folder (adapter_config.json) loads its base
    /// checkpoint with the adapter merged in. Throws InputError naming the file at fault.
    static std::unique_ptr<Policy> load(const std::string& dir, const PolicyOptions& options = {});
    /// A policy over weights made in memory (a fresh model to train, a benchmark); no tokenizer.
    static std::unique_ptr<Policy> fromWeights(const ModelConfig& config, WeightMap weights);

    const std::string& dir() const { return dir_; }
    Transformer& model() { return *model_; }
    const Transformer& model() const { return *model_; }
    const ModelConfig& config() const { return model_->config(); }
    /// Null when the checkpoint folder has no tokenizer (then only token ids can be used).
    const Tokenizer* tokenizer() const { return tokenizer_ ? &*tokenizer_ : nullptr; }
    /// The tokenizer, or std::runtime_error saying the checkpoint has none.
    const Tokenizer& requireTokenizer() const;
    at::Device device() const { return device_; }
    at::ScalarType dtype() const { return dtype_; }
    /// Tokens that end a generation: generation_config.json, config.json and the tokenizer's EOS.
    const std::vector<int32_t>& eosIds() const { return eosIds_; }
    /// generation_config.json's max_new_tokens, when it gives one.
    std::optional<int64_t> maxNewTokens() const { return maxNewTokens_; }

    /// Writes a Hugging Face checkpoint folder: config.json, model.safetensors (in the checkpoint's own
    /// dtype), generation_config.json and the tokenizer files this policy was loaded with.
    void save(const std::string& dir) const;
    /// The same with an attached LoRA adapter merged into the weights (a plain checkpoint; the model in
    /// memory is not changed). Without an adapter, save().
    void saveMerged(const std::string& dir) const;

private:
    void write(const std::string& dir, const WeightMap& weights) const;

    std::string dir_;
    std::unique_ptr<Transformer> model_;
    std::optional<Tokenizer> tokenizer_;
    at::Device device_{at::kCPU};
    at::ScalarType dtype_ = at::kFloat;
    std::vector<int32_t> eosIds_;
    std::optional<int64_t> maxNewTokens_;
};

} // namespace gpo::model
