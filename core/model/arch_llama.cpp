// The Llama family (Llama, Qwen2/Qwen2.5, Qwen3, Mistral without sliding window): RMSNorm, rotary
// positions, grouped-query attention (Qwen2: q/k/v biases; Qwen3: per-head q/k RMSNorm), SwiGLU MLP, tied
// or untied LM head.
#include "model/rope.h"
#include "model/transformer.h"

namespace gpo::model {
namespace {

class Llama final : public Transformer {
public:
    Llama(const ModelConfig& c, WeightMap w, const std::string& source)
        : Transformer(c, std::move(w), source) {
        const int64_t d = c.hidden, qd = c.heads * c.headDim, kvd = c.kvHeads * c.headDim,
                      inner = c.intermediate;
        embed_ = require("model.embed_tokens.weight", {c.vocabSize, d});
        auto optional = [&](bool present, const std::string& name, std::vector<int64_t> shape) {
            return present ? require(name, std::move(shape)) : at::Tensor();
        };
        for (int64_t l = 0; l < c.layers; ++l) {
            const std::string p = "model.layers." + std::to_string(l) + ".";
            const std::string a = p + "self_attn.", m = p + "mlp.";
            layers_.push_back(
                {require(p + "input_layernorm.weight", {d}), require(a + "q_proj.weight", {qd, d}),
                 optional(c.qkvBias, a + "q_proj.bias", {qd}), require(a + "k_proj.weight", {kvd, d}),
                 optional(c.qkvBias, a + "k_proj.bias", {kvd}), require(a + "v_proj.weight", {kvd, d}),
                 optional(c.qkvBias, a + "v_proj.bias", {kvd}), require(a + "o_proj.weight", {d, qd}),
                 optional(c.outputBias, a + "o_proj.bias", {d}),
                 require(p + "post_attention_layernorm.weight", {d}),
                 require(m + "gate_proj.weight", {inner, d}),
                 optional(c.mlpBias, m + "gate_proj.bias", {inner}),
                 require(m + "up_proj.weight", {inner, d}), optional(c.mlpBias, m + "up_proj.bias", {inner}),
                 require(m + "down_proj.weight", {d, inner}), optional(c.mlpBias, m + "down_proj.bias", {d}),
                 optional(c.qkNorm, a + "q_norm.weight", {c.headDim}),
                 optional(c.qkNorm, a + "k_norm.weight", {c.headDim})});
        }
        norm_ = require("model.norm.weight", {d});
        head_ = c.tieEmbeddings ? embed_ : require("lm_head.weight", {c.vocabSize, d});
        const RopeFrequencies rope = ropeFrequencies(c);
        invFreq_ = rope.invFreq.to(embed_.device());
        ropeScale_ = rope.attentionScale;
    }

private:
    struct Layer {
        at::Tensor inputNorm, q, qb, k, kb, v, vb, o, ob, postNorm, gate, gateB, up, upB, down, downB;
        at::Tensor qNorm, kNorm; ///< Qwen3: RMSNorm of each head's query and key, before the rotation
    };

    at::Tensor rmsNorm(const at::Tensor& x, const at::Tensor& weight) const {
        const at::Tensor xf = x.to(at::kFloat);
        const at::Tensor normed = xf * at::rsqrt(xf.pow(2).mean(-1, true) + config_.normEps);
        return weight * normed.to(x.scalar_type());
    }

    static at::Tensor rotate(const at::Tensor& x, const at::Tensor& cos, const at::Tensor& sin) {
        const int64_t half = x.size(-1) / 2;
        const at::Tensor rotated = at::cat({x.narrow(-1, half, half).neg(), x.narrow(-1, 0, half)}, -1);
        return x * cos + rotated * sin;
    }

    void prepare(ForwardContext& ctx) const override {
        const at::Tensor freqs = ctx.input.positions.to(at::kFloat).unsqueeze(-1) * invFreq_; // [B, T, D/2]
        const at::Tensor emb = at::cat({freqs, freqs}, -1).unsqueeze(1);                      // [B, 1, T, D]
        ctx.cos = (emb.cos() * ropeScale_).to(embed_.scalar_type());
        ctx.sin = (emb.sin() * ropeScale_).to(embed_.scalar_type());
    }

    at::Tensor embed(const ForwardInput& in) const override { return at::embedding(embed_, in.ids); }

    at::Tensor block(size_t l, const at::Tensor& x, ForwardContext& ctx) const override {
        const Layer& w = layers_[l];
        const int64_t b = x.size(0), t = x.size(1), hd = config_.headDim;
        const at::Tensor a = rmsNorm(x, w.inputNorm);
        at::Tensor q = linear(a, w.q, w.qb).view({b, t, config_.heads, hd});
        at::Tensor k = linear(a, w.k, w.kb).view({b, t, config_.kvHeads, hd});
        if (w.qNorm.defined()) {
            q = rmsNorm(q, w.qNorm);
            k = rmsNorm(k, w.kNorm);
        }
        q = q.transpose(1, 2);
        k = k.transpose(1, 2);
        const at::Tensor v = linear(a, w.v, w.vb).view({b, t, config_.kvHeads, hd}).transpose(1, 2);
        const at::Tensor att =
            attend(rotate(q, ctx.cos, ctx.sin), rotate(k, ctx.cos, ctx.sin), v, ctx.cache, l, ctx.masks);
        const at::Tensor y = x + linear(att, w.o, w.ob);
        const at::Tensor m = rmsNorm(y, w.postNorm);
        return y + linear(at::silu(linear(m, w.gate, w.gateB)) * linear(m, w.up, w.upB), w.down, w.downB);
    }

    at::Tensor finalNorm(const at::Tensor& x) const override { return rmsNorm(x, norm_); }
    const at::Tensor& outputEmbedding() const override { return head_; }

    at::Tensor embed_, norm_, head_, invFreq_;
    double ropeScale_ = 1.0; ///< yarn's attention factor on cos and sin
    std::vector<Layer> layers_;
};

} // namespace

std::unique_ptr<Transformer> makeLlama(const ModelConfig& config, WeightMap weights,
                                       const std::string& source) {
    return std::make_unique<Llama>(config, std::move(weights), source);
}

} // namespace gpo::model
