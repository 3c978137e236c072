#pragma once
// A checkpoint's config.json, read for the families we run: GPT-2 and the Llama / Qwen2 family.
// Reads both transformers 4 (`rope_theta`, `torch_dtype`) and 5 (`rope_parameters`, `dtype`) spellings.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace gpo::model {

enum class Family { Gpt2, Llama };

struct ModelConfig {
    Family family = Family::Llama;
    std::string modelType; // "gpt2", "llama", "qwen2"
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
    bool tieEmbeddings = false;
    bool qkvBias = false;    // Qwen2: biases on q, k and v
    bool outputBias = false; // Llama's attention_bias also puts one on o_proj
    bool mlpBias = false;
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
