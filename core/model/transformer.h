#pragma once
// A decoder-only transformer: the part every family shares (masks, the layer loop, the LM head); each
// family's own file (arch_gpt2.cpp, arch_llama.cpp) supplies embeddings, blocks and the final norm.
#include "model/attention.h"
#include "model/model_config.h"
#include "model/weights.h"

#include <ATen/ATen.h>
#include <memory>
#include <string>

namespace gpo::model {

class KvCache;
class LoraAdapter;

/// One forward call's tokens.
struct ForwardInput {
    at::Tensor ids;       // [B, T] int64
    at::Tensor positions; // [B, T] int64: position of each token in its own sequence
    at::Tensor valid;     // [B, T] bool: false at padding
};

enum class LogitsFor { All, Last, None };

/// What a block needs besides its input: built once per forward call.
struct ForwardContext {
    const ForwardInput& input;
    AttentionMasks masks;
    KvCache* cache;
    at::Tensor cos, sin; // rotary tables [B, 1, T, D] (Llama family)
};

class Transformer {
public:
    virtual ~Transformer() = default;

    /// Builds the family's model over `weights` (checked against `config`: names, shapes, floating types).
    /// `source` names the checkpoint in errors.
    static std::unique_ptr<Transformer> create(const ModelConfig& config, WeightMap weights,
                                               const std::string& source);

    const ModelConfig& config() const { return config_; }
    const WeightMap& weights() const { return weights_; }
    /// Trainable tensors, each once (tied embeddings are one tensor).
    std::vector<at::Tensor> parameters() const;
    /// What training updates: the LoRA adapter's tensors when one is attached, else parameters().
    std::vector<at::Tensor> trainableParameters() const;
    at::TensorOptions options() const { return weights_.begin()->second.options(); }

    /// Runs `input` through the model, reading and extending `cache` when given. Returns logits
    /// [B, T, V] (All), [B, V] for the last position (Last), or the final hidden states (None).
    at::Tensor forward(const ForwardInput& input, KvCache* cache, LogitsFor which);
    /// The LM head over final hidden states: [..., hidden] -> [..., V].
    at::Tensor logits(const at::Tensor& hidden) const;

    /// Adds a LoRA adapter's updates to its layers (null: none); training then updates only the adapter.
    void attachLora(std::shared_ptr<LoraAdapter> adapter) { lora_ = std::move(adapter); }
    const LoraAdapter* lora() const { return lora_.get(); }

protected:
    Transformer(const ModelConfig& config, WeightMap weights, std::string source)
        : config_(config), weights_(std::move(weights)), source_(std::move(source)) {}
    /// Checks a tensor's presence and shape; throws InputError naming `source_`.
    const at::Tensor& require(const std::string& name, std::vector<int64_t> shape) const;

    /// x W^T + b, plus the LoRA update of W when an adapter targets it (nn.Linear layout, W [out, in]).
    at::Tensor linear(const at::Tensor& x, const at::Tensor& w, const at::Tensor& b) const;
    /// b + x W for GPT-2's Conv1D layout (W [in, out], x [N, in]; addmm's argument order), with its LoRA
    /// update.
    at::Tensor conv1d(const at::Tensor& b, const at::Tensor& x, const at::Tensor& w) const;

    virtual void prepare(ForwardContext& ctx) const = 0;
    virtual at::Tensor embed(const ForwardInput& input) const = 0;
    virtual at::Tensor block(size_t layer, const at::Tensor& x, ForwardContext& ctx) const = 0;
    virtual at::Tensor finalNorm(const at::Tensor& x) const = 0;
    virtual const at::Tensor& outputEmbedding() const = 0;

    ModelConfig config_;
    WeightMap weights_;
    std::string source_;
    std::shared_ptr<LoraAdapter> lora_;
};

std::unique_ptr<Transformer> makeGpt2(const ModelConfig& config, WeightMap weights,
                                      const std::string& source);
std::unique_ptr<Transformer> makeLlama(const ModelConfig& config, WeightMap weights,
                                       const std::string& source);

} // namespace gpo::model
