// GPT-2: learned positions, pre-LayerNorm blocks, fused c_attn, Conv1D weights stored [in, out],
// gelu_new MLP, LM head tied to the token embedding.
#include "model/transformer.h"
#include "util/input_error.h"

namespace gpo::model {
namespace {

class Gpt2 final : public Transformer {
public:
    Gpt2(const ModelConfig& c, WeightMap w, const std::string& source)
        : Transformer(c, canonicalNames(std::move(w)), source) {
        const int64_t d = c.hidden, inner = c.intermediate;
        wte_ = require("transformer.wte.weight", {c.vocabSize, d});
        wpe_ = require("transformer.wpe.weight", {c.maxPositions, d});
        for (int64_t l = 0; l < c.layers; ++l) {
            const std::string p = "transformer.h." + std::to_string(l) + ".";
            layers_.push_back(
                {require(p + "ln_1.weight", {d}), require(p + "ln_1.bias", {d}),
                 require(p + "attn.c_attn.weight", {d, 3 * d}), require(p + "attn.c_attn.bias", {3 * d}),
                 require(p + "attn.c_proj.weight", {d, d}), require(p + "attn.c_proj.bias", {d}),
                 require(p + "ln_2.weight", {d}), require(p + "ln_2.bias", {d}),
                 require(p + "mlp.c_fc.weight", {d, inner}), require(p + "mlp.c_fc.bias", {inner}),
                 require(p + "mlp.c_proj.weight", {inner, d}), require(p + "mlp.c_proj.bias", {d})});
        }
        lnF_ = require("transformer.ln_f.weight", {d});
        lnFBias_ = require("transformer.ln_f.bias", {d});
        head_ = c.tieEmbeddings || !weights_.count("lm_head.weight")
                    ? wte_
                    : require("lm_head.weight", {c.vocabSize, d});
    }

private:
    struct Layer {
        at::Tensor ln1, ln1b, attnW, attnB, projW, projB, ln2, ln2b, fcW, fcB, fcProjW, fcProjB;
    };

    /// HF saves GPT2LMHeadModel under "transformer."; the original checkpoints have no prefix.
    static WeightMap canonicalNames(WeightMap w) {
        WeightMap out;
        for (auto& [name, t] : w) {
            if (name.find(".attn.bias") != std::string::npos ||
                name.find(".attn.masked_bias") != std::string::npos)
                continue; // causal-mask buffers of old checkpoints, not weights
            const bool prefixed = name.rfind("transformer.", 0) == 0 || name.rfind("lm_head.", 0) == 0;
            out[prefixed ? name : "transformer." + name] = t;
        }
        return out;
    }

    at::Tensor activation(const at::Tensor& x) const {
        return config_.activation == "gelu" ? at::gelu(x) : at::gelu(x, "tanh");
    }

    void prepare(ForwardContext&) const override {}

    at::Tensor embed(const ForwardInput& in) const override {
        return at::embedding(wte_, in.ids) +
               at::embedding(wpe_, in.positions.clamp(0, config_.maxPositions - 1));
    }

    at::Tensor block(size_t l, const at::Tensor& x, ForwardContext& ctx) const override {
        const Layer& w = layers_[l];
        const int64_t b = x.size(0), t = x.size(1), h = config_.heads, hd = config_.headDim;
        const double eps = config_.normEps;
        const at::Tensor a = at::layer_norm(x, {config_.hidden}, w.ln1, w.ln1b, eps);
        const at::Tensor qkv =
            conv1d(w.attnB, a.reshape({b * t, config_.hidden}), w.attnW).view({b, t, 3, h, hd});
        const at::Tensor q = qkv.select(2, 0).transpose(1, 2);
        const at::Tensor k = qkv.select(2, 1).transpose(1, 2);
        const at::Tensor v = qkv.select(2, 2).transpose(1, 2);
        const at::Tensor att = attend(q.contiguous(), k, v, ctx.cache, l, ctx.masks);
        at::Tensor y =
            x + conv1d(w.projB, att.reshape({b * t, config_.hidden}), w.projW).view({b, t, config_.hidden});
        const at::Tensor m = at::layer_norm(y, {config_.hidden}, w.ln2, w.ln2b, eps);
        const at::Tensor hidden = activation(conv1d(w.fcB, m.reshape({b * t, config_.hidden}), w.fcW));
        return y + conv1d(w.fcProjB, hidden, w.fcProjW).view({b, t, config_.hidden});
    }

    at::Tensor finalNorm(const at::Tensor& x) const override {
        return at::layer_norm(x, {config_.hidden}, lnF_, lnFBias_, config_.normEps);
    }
    const at::Tensor& outputEmbedding() const override { return head_; }

    at::Tensor wte_, wpe_, lnF_, lnFBias_, head_;
    std::vector<Layer> layers_;
};

} // namespace

std::unique_ptr<Transformer> makeGpt2(const ModelConfig& config, WeightMap weights,
                                      const std::string& source) {
    return std::make_unique<Gpt2>(config, std::move(weights), source);
}

} // namespace gpo::model
