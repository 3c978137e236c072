#include "model/initialize.h"

#include <ATen/CPUGeneratorImpl.h>

namespace gpo::model {

ModelConfig smallModelConfig(const SmallModelShape& s) {
    nlohmann::json j = {{"architectures", {"Qwen2ForCausalLM"}},
                        {"model_type", "qwen2"},
                        {"vocab_size", s.vocab},
                        {"hidden_size", s.hidden},
                        {"num_hidden_layers", s.layers},
                        {"num_attention_heads", s.heads},
                        {"num_key_value_heads", s.kvHeads},
                        {"intermediate_size", s.intermediate},
                        {"max_position_embeddings", s.maxPositions},
                        {"hidden_act", "silu"},
                        {"rms_norm_eps", 1e-6},
                        {"rope_theta", 10000.0},
                        {"tie_word_embeddings", s.tied},
                        {"use_sliding_window", false},
                        {"torch_dtype", "float32"},
                        {"transformers_version", "4.46.0"}};
    return ModelConfig::fromJson(j, "(generated config)");
}

WeightMap initialWeights(const ModelConfig& c, uint64_t seed, const at::TensorOptions& options) {
    at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(seed);
    const auto cpu = at::TensorOptions().dtype(at::kFloat);
    WeightMap w;
    auto normal = [&](const std::string& name, std::vector<int64_t> shape) {
        w[name] = at::normal(0.0, 0.02, shape, gen, cpu).to(options);
    };
    auto constant = [&](const std::string& name, int64_t n, double value) {
        w[name] = at::full({n}, value, cpu).to(options);
    };
    const int64_t d = c.hidden, qd = c.heads * c.headDim, kvd = c.kvHeads * c.headDim;
    normal("model.embed_tokens.weight", {c.vocabSize, d});
    for (int64_t l = 0; l < c.layers; ++l) {
        const std::string p = "model.layers." + std::to_string(l) + ".";
        constant(p + "input_layernorm.weight", d, 1.0);
        constant(p + "post_attention_layernorm.weight", d, 1.0);
        normal(p + "self_attn.q_proj.weight", {qd, d});
        normal(p + "self_attn.k_proj.weight", {kvd, d});
        normal(p + "self_attn.v_proj.weight", {kvd, d});
        normal(p + "self_attn.o_proj.weight", {d, qd});
        if (c.qkvBias) {
            constant(p + "self_attn.q_proj.bias", qd, 0.0);
            constant(p + "self_attn.k_proj.bias", kvd, 0.0);
            constant(p + "self_attn.v_proj.bias", kvd, 0.0);
        }
        normal(p + "mlp.gate_proj.weight", {c.intermediate, d});
        normal(p + "mlp.up_proj.weight", {c.intermediate, d});
        normal(p + "mlp.down_proj.weight", {d, c.intermediate});
    }
    constant("model.norm.weight", d, 1.0);
    if (!c.tieEmbeddings) normal("lm_head.weight", {c.vocabSize, d});
    return w;
}

} // namespace gpo::model
