#include "model/model_config.h"

#include "data/json_source.h"
#include "util/input_error.h"

#include <cmath>

namespace gpo::model {
namespace {

using nlohmann::json;

int64_t positiveInt(const json& j, const char* field, const std::string& path) {
    if (!j.contains(field) || !j[field].is_number_integer() || j[field].get<int64_t>() <= 0)
        throw InputError(path, 0, std::string("\"") + field + "\" must be a positive integer");
    return j[field].get<int64_t>();
}

int64_t optionalInt(const json& j, const char* field, int64_t fallback) {
    return j.contains(field) && j[field].is_number_integer() ? j[field].get<int64_t>() : fallback;
}

std::vector<int32_t> idList(const json& j) {
    if (j.is_number_integer()) return {j.get<int32_t>()};
    std::vector<int32_t> ids;
    if (j.is_array())
        for (const auto& v : j)
            if (v.is_number_integer()) ids.push_back(v.get<int32_t>());
    return ids;
}

} // namespace

ModelConfig ModelConfig::fromFile(const std::string& path) {
    return fromJson(readJsonDocument(path), path);
}

namespace {

/// The rope scaling of a config's rope object, as transformers' standardize_rope_params fills it in; an
/// unsupported type or a missing key is an error naming them.
RopeScaling ropeScalingOf(const json& rope, const json& config, const std::string& path) {
    RopeScaling s;
    s.type = rope.value("rope_type", rope.value("type", std::string("default")));
    auto number = [&](const char* key, double& out, bool required) {
        if (rope.contains(key) && rope[key].is_number())
            out = rope[key].get<double>();
        else if (required)
            throw InputError(path, 0, "rope_type \"" + s.type + "\" needs \"" + key + "\"");
    };
    if (rope.contains("partial_rotary_factor") && rope["partial_rotary_factor"] != 1.0)
        throw InputError(path, 0,
                         "partial_rotary_factor is not supported (rotary embeddings on every dimension)");
    const int64_t maxPositions = config.value("max_position_embeddings", int64_t(4096));
    // Phi-3 style: a top-level original_max_position_embeddings takes precedence, as in transformers.
    s.originalMaxPositions = config.value("original_max_position_embeddings",
                                          rope.value("original_max_position_embeddings", maxPositions));
    if (s.type == "default") return s;
    if (s.type == "linear" || s.type == "dynamic") {
        // dynamic (NTK) rescales only past max_position_embeddings, which scoring refuses: inside it the
        // frequencies are the default ones, as transformers computes them there.
        number("factor", s.factor, true);
    } else if (s.type == "llama3") {
        number("factor", s.factor, true);
        number("low_freq_factor", s.lowFreqFactor, true);
        number("high_freq_factor", s.highFreqFactor, true);
    } else if (s.type == "yarn") {
        s.factor = static_cast<double>(maxPositions) / static_cast<double>(s.originalMaxPositions);
        number("factor", s.factor, false);
        auto mscale = [](double scale, double m) {
            return scale <= 1 ? 1.0 : 0.1 * m * std::log(scale) + 1.0;
        };
        double m = 0, mAll = 0;
        number("mscale", m, false);
        number("mscale_all_dim", mAll, false);
        s.attentionFactor =
            m != 0 && mAll != 0 ? mscale(s.factor, m) / mscale(s.factor, mAll) : mscale(s.factor, 1);
        number("attention_factor", s.attentionFactor, false);
        if (rope.contains("beta_fast") && rope["beta_fast"].is_number() && rope["beta_fast"] != 0)
            s.betaFast = rope["beta_fast"].get<double>();
        if (rope.contains("beta_slow") && rope["beta_slow"].is_number() && rope["beta_slow"] != 0)
            s.betaSlow = rope["beta_slow"].get<double>();
        s.truncate = rope.value("truncate", true);
    } else {
        throw InputError(path, 0,
                         "rope_type \"" + s.type +
                             "\" is not supported (default, linear, dynamic, llama3, yarn)");
    }
    if (!(s.factor > 0)) throw InputError(path, 0, "rope \"factor\" must be positive");
    return s;
}

} // namespace

ModelConfig ModelConfig::fromJson(const json& j, const std::string& path) {
    if (!j.is_object()) throw InputError(path, 1, "config.json must hold a JSON object");
    ModelConfig c;
    c.raw = j;
    c.modelType = j.value("model_type", "");
    if (j.contains("eos_token_id")) c.eosIds = idList(j["eos_token_id"]);
    c.bosId = static_cast<int32_t>(optionalInt(j, "bos_token_id", -1));
    c.storedDtype = j.value("dtype", j.value("torch_dtype", "float32"));
    c.tieEmbeddings = j.value("tie_word_embeddings", c.modelType == "gpt2");
    if (c.modelType == "gpt2") {
        c.family = Family::Gpt2;
        c.vocabSize = positiveInt(j, "vocab_size", path);
        c.hidden = positiveInt(j, "n_embd", path);
        c.layers = positiveInt(j, "n_layer", path);
        c.heads = positiveInt(j, "n_head", path);
        c.kvHeads = c.heads;
        c.maxPositions = positiveInt(j, "n_positions", path);
        c.intermediate = optionalInt(j, "n_inner", 4 * c.hidden);
        c.normEps = j.value("layer_norm_epsilon", 1e-5);
        c.activation = j.value("activation_function", "gelu_new");
        c.qkvBias = c.outputBias = c.mlpBias = true;
        if (j.value("scale_attn_by_inverse_layer_idx", false) || j.value("reorder_and_upcast_attn", false))
            throw InputError(path, 0,
                             "GPT-2 variants with scale_attn_by_inverse_layer_idx/reorder_and_upcast_attn "
                             "are not supported");
    } else if (c.modelType == "llama" || c.modelType == "qwen2" || c.modelType == "qwen3" ||
               c.modelType == "mistral") {
        c.family = Family::Llama;
        c.vocabSize = positiveInt(j, "vocab_size", path);
        c.hidden = positiveInt(j, "hidden_size", path);
        c.layers = positiveInt(j, "num_hidden_layers", path);
        c.heads = positiveInt(j, "num_attention_heads", path);
        c.kvHeads = optionalInt(j, "num_key_value_heads", c.heads);
        c.intermediate = positiveInt(j, "intermediate_size", path);
        c.maxPositions = optionalInt(j, "max_position_embeddings", 4096);
        c.normEps = j.value("rms_norm_eps", 1e-6);
        c.activation = j.value("hidden_act", "silu");
        const json rope = j.contains("rope_parameters") && j["rope_parameters"].is_object()
                              ? j["rope_parameters"]
                          : j.contains("rope_scaling") && j["rope_scaling"].is_object() ? j["rope_scaling"]
                                                                                        : json::object();
        c.ropeTheta = rope.value("rope_theta", j.value("rope_theta", 10000.0));
        c.rope = ropeScalingOf(rope, j, path);
        if ((c.modelType == "qwen2" || c.modelType == "qwen3") && j.value("use_sliding_window", false))
            throw InputError(path, 0, "sliding-window attention (use_sliding_window) is not supported");
        // Mistral v0.1's window: every sequence that fits max_position_embeddings must fit the window too.
        if (c.modelType == "mistral" && j.contains("sliding_window") &&
            j["sliding_window"].is_number_integer() && j["sliding_window"].get<int64_t>() < c.maxPositions)
            throw InputError(path, 0,
                             "sliding-window attention (sliding_window " + j["sliding_window"].dump() +
                                 " below max_position_embeddings " + std::to_string(c.maxPositions) +
                                 ") is not supported");
        if (c.modelType == "qwen2") {
            c.qkvBias = true;
        } else {
            c.qkvBias = c.outputBias = j.value("attention_bias", false);
            c.mlpBias = j.value("mlp_bias", false);
            c.qkNorm = c.modelType == "qwen3";
        }
    } else {
        throw InputError(path, 0,
                         "model_type \"" + c.modelType +
                             "\" is not supported (gpt2, llama, qwen2, qwen3, mistral)");
    }
    c.headDim = j.contains("head_dim") && j["head_dim"].is_number_integer() ? j["head_dim"].get<int64_t>()
                                                                            : c.hidden / c.heads;
    if (c.headDim <= 0 || (!j.contains("head_dim") && c.hidden % c.heads != 0))
        throw InputError(path, 0,
                         "hidden size " + std::to_string(c.hidden) + " is not divisible by " +
                             std::to_string(c.heads) + " heads");
    if (c.kvHeads <= 0 || c.heads % c.kvHeads != 0)
        throw InputError(path, 0, "num_key_value_heads must divide num_attention_heads");
    if (c.family == Family::Llama && c.headDim % 2 != 0)
        throw InputError(path, 0, "head_dim must be even for rotary embeddings");
    if (c.activation != "gelu_new" && c.activation != "silu" && c.activation != "gelu" &&
        c.activation != "gelu_pytorch_tanh")
        throw InputError(path, 0, "activation \"" + c.activation + "\" is not supported");
    return c;
}

int64_t ModelConfig::parameterCount() const {
    const int64_t attn = hidden * headDim * (heads * 2 + kvHeads * 2);
    const int64_t mlp = family == Family::Gpt2 ? 2 * hidden * intermediate : 3 * hidden * intermediate;
    int64_t n = layers * (attn + mlp) + vocabSize * hidden * (tieEmbeddings ? 1 : 2);
    if (family == Family::Gpt2) n += maxPositions * hidden;
    return n;
}

} // namespace gpo::model
