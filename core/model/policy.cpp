#include "model/policy.h"

#include "data/json_source.h"
#include "model/lora.h"
#include "model/torch_util.h"
#include "model/weights.h"
#include "util/input_error.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

namespace gpo::model {
namespace fs = std::filesystem;

namespace {

const char* const kTokenizerFiles[] = {"tokenizer.json",
                                       "tokenizer_config.json",
                                       "special_tokens_map.json",
                                       "vocab.json",
                                       "merges.txt",
                                       "encoder.json",
                                       "vocab.bpe"};

void addIds(std::vector<int32_t>& ids, const nlohmann::json& j) {
    if (j.is_number_integer()) ids.push_back(j.get<int32_t>());
    if (j.is_array())
        for (const auto& v : j)
            if (v.is_number_integer()) ids.push_back(v.get<int32_t>());
}

bool hasTokenizer(const fs::path& d) {
    return fs::exists(d / "tokenizer.json") ||
           (fs::exists(d / "vocab.json") && fs::exists(d / "merges.txt")) ||
           (fs::exists(d / "encoder.json") && fs::exists(d / "vocab.bpe"));
}

} // namespace

std::unique_ptr<Policy> Policy::load(const std::string& dir, const PolicyOptions& options) {
    const fs::path d(dir);
    if (!fs::is_directory(d))
        throw InputError(dir, 0, "not a checkpoint folder (config.json + *.safetensors)");
    if (LoraAdapter::isAdapterFolder(dir) && !fs::exists(d / "config.json")) {
        auto policy = load(LoraAdapter::baseOf(dir), options);
        const auto adapter = LoraAdapter::load(dir, policy->model());
        policy->model_ =
            Transformer::create(policy->config(), adapter->merged(policy->model().weights()), dir);
        return policy;
    }
    useAllCores();
    auto policy = std::unique_ptr<Policy>(new Policy());
    policy->dir_ = dir;
    const ModelConfig config = ModelConfig::fromFile((d / "config.json").string());
    try {
        policy->device_ = parseDevice(options.device);
        policy->dtype_ = parseDtype(options.dtype, config.storedDtype, policy->device_);
    } catch (const std::invalid_argument& e) {
        throw InputError(dir, 0, e.what());
    }
    policy->model_ = Transformer::create(config, loadWeights(dir, policy->dtype_, policy->device_), dir);
    if (hasTokenizer(d)) {
        policy->tokenizer_ = Tokenizer::fromDirectory(dir);
        if (policy->tokenizer_->vocabSize() > config.vocabSize)
            throw InputError(dir, 0,
                             "the tokenizer has " + std::to_string(policy->tokenizer_->vocabSize()) +
                                 " tokens but the model's vocab_size is " + std::to_string(config.vocabSize));
    }
    std::vector<int32_t>& eos = policy->eosIds_;
    if (fs::exists(d / "generation_config.json")) {
        const auto gen = readJsonDocument((d / "generation_config.json").string());
        if (gen.is_object() && gen.contains("eos_token_id")) addIds(eos, gen["eos_token_id"]);
        if (auto it = gen.find("max_new_tokens");
            gen.is_object() && it != gen.end() && it->is_number_integer() && it->get<int64_t>() > 0)
            policy->maxNewTokens_ = it->get<int64_t>();
    }
    eos.insert(eos.end(), config.eosIds.begin(), config.eosIds.end());
    if (policy->tokenizer_ && policy->tokenizer_->eosId() >= 0) eos.push_back(policy->tokenizer_->eosId());
    std::sort(eos.begin(), eos.end());
    eos.erase(std::unique(eos.begin(), eos.end()), eos.end());
    return policy;
}

std::unique_ptr<Policy> Policy::fromWeights(const ModelConfig& config, WeightMap weights) {
    useAllCores();
    auto policy = std::unique_ptr<Policy>(new Policy());
    policy->dir_ = "(in memory)";
    policy->device_ = weights.begin()->second.device();
    policy->dtype_ = weights.begin()->second.scalar_type();
    policy->model_ = Transformer::create(config, std::move(weights), policy->dir_);
    policy->eosIds_ = config.eosIds;
    return policy;
}

const Tokenizer& Policy::requireTokenizer() const {
    if (!tokenizer_) throw std::runtime_error(dir_ + ": this checkpoint has no tokenizer (tokenizer.json)");
    return *tokenizer_;
}

void Policy::save(const std::string& dir) const {
    write(dir, model_->weights());
}

void Policy::saveMerged(const std::string& dir) const {
    write(dir, model_->lora() ? model_->lora()->merged(model_->weights()) : model_->weights());
}

void Policy::write(const std::string& dir, const WeightMap& weights) const {
    fs::create_directories(dir);
    const fs::path out(dir), src(dir_);
    nlohmann::json config = this->config().raw;
    const std::string stored = this->config().storedDtype;
    {
        const std::string tmp = (out / "config.json.partial").string();
        std::ofstream(tmp) << config.dump(2) << "\n";
        fs::rename(tmp, out / "config.json");
    }
    saveWeights(dir, weights, parseDtype(stored, stored, at::Device(at::kCPU)));
    if (fs::equivalent(src, out)) return;
    for (const char* name : kTokenizerFiles)
        if (fs::exists(src / name))
            fs::copy_file(src / name, out / name, fs::copy_options::overwrite_existing);
    for (const char* name :
         {"generation_config.json", "gpo_prompt.json"}) // gpo_prompt.json: model/prompt_format.h
        if (fs::exists(src / name))
            fs::copy_file(src / name, out / name, fs::copy_options::overwrite_existing);
}

} // namespace gpo::model
