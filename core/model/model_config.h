#pragma once
// A checkpoint's config.json, read for the families we run: GPT-2 and the Llama / Qwen2 / Qwen3 /
// Mistral family.
// Reads both transformers 4 (`rope_theta`, `torch_dtype`) and 5 (`rope_parameters`, `dtype`) spellings.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace gpo::model {

enum class Family { Gpt2, Llama };

/// Rotary position scaling as transformers' ROPE_INIT_FUNCTIONS read it from rope_parameters (v5) or
/// rope_scaling (v4): "default", "linear", "llama3" (Llama 3.1+), "yarn" (Qwen2.5 long context).
struct RopeScaling {
    std::string type = "default";
    double factor = 1.0;                    ///< linear, dynamic, llama3, yarn
    double lowFreqFactor = 1.0;             ///< llama3
    double highFreqFactor = 4.0;            ///< llama3
    int64_t originalMaxPositions = 0;       ///< llama3, yarn: the pretraining context
    double betaFast = 32.0, betaSlow = 1.0; ///< yarn
    double attentionFactor = 1.0;           ///< yarn: cos and sin are multiplied by it
    bool truncate = true;                   ///< yarn: round the correction range outwards
};

struct ModelConfig {
    Family family = Family::Llama;
    std::string modelType; // "gpt2", "llama", "qwen2", "qwen3", "mistral"
    int64_t vocabSize = 0;
    int64_t hidden = 0;
    int64_t layers = 0;
    int64_t heads = 0;
    int64_t kvHeads = 0;
    int64_t headDim = 0;
    int64_t intermediate = 0;
    int64_t maxPositions = 0;
    double normEps = 1e-5;
    double ropeTheta = 10000.0;
    RopeScaling rope;
    bool tieEmbeddings = false;
    bool qkvBias = false;    // Qwen2: biases on q, k and v
    bool outputBias = false; // Llama's attention_bias also puts one on o_proj
    bool mlpBias = false;
    bool qkNorm = false;     // Qwen3: RMSNorm on each head's query and key
    std::string activation;  // "gelu_new", "silu", ...
    std::string storedDtype; // "float32", "bfloat16", "float16"
    std::vector<int32_t> eosIds;
    int32_t bosId = -1;
    nlohmann::json raw; // the file as read, written back when saving

    /// Throws InputError naming the file and the field at fault.
    static ModelConfig fromFile(const std::string& path);
    static ModelConfig fromJson(const nlohmann::json& j, const std::string& path);
    int64_t parameterCount() const;
};

} // namespace gpo::model
