#include "model/checkpoint_report.h"

#include "data/json_source.h"
#include "model/policy.h"
#include "model/prompt_format.h"

#include <cmath>
#include <filesystem>
#include <sstream>

namespace gpo::model {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* kSampleQuestion = "What is 3 + 4?";

std::string parameters(int64_t n) {
    std::ostringstream s;
    s.precision(3);
    if (n >= 1'000'000'000)
        s << static_cast<double>(n) / 1e9 << " B";
    else if (n >= 1'000'000)
        s << static_cast<double>(n) / 1e6 << " M";
    else
        s << n;
    return s.str();
}

json generationDefaults(const std::string& dir) {
    json out = json::object();
    const fs::path file = fs::path(dir) / "generation_config.json";
    if (!fs::exists(file)) return out;
    const json gen = readJsonDocument(file.string());
    if (!gen.is_object()) return out;
    for (const char* key :
         {"do_sample", "temperature", "top_p", "top_k", "max_new_tokens", "repetition_penalty"})
        if (gen.contains(key) && !gen[key].is_null()) out[key] = gen[key];
    return out;
}

} // namespace

json checkpointReport(const Policy& policy) {
    const ModelConfig& c = policy.config();
    json r{{"folder", policy.dir()},
           {"architecture", c.modelType},
           {"family", c.family == Family::Gpt2 ? "gpt2" : "llama"},
           {"parameters", c.parameterCount()},
           {"dtype", c.storedDtype},
           {"layers", c.layers},
           {"hidden_size", c.hidden},
           {"heads", c.heads},
           {"kv_heads", c.kvHeads},
           {"head_dim", c.headDim},
           {"context_length", c.maxPositions},
           {"tied_embeddings", c.tieEmbeddings},
           {"qk_norm", c.qkNorm}};
    if (c.family == Family::Llama)
        r["rope"] = {{"type", c.rope.type}, {"theta", c.ropeTheta}, {"factor", c.rope.factor}};
    json warnings = json::array();
    if (const Tokenizer* tok = policy.tokenizer()) {
        auto spell = [&](int32_t id) { return id >= 0 ? json(tok->tokenText(id)) : json(nullptr); };
        json eos = json::array();
        for (const int32_t id : policy.eosIds())
            eos.push_back(tok->tokenText(id));
        r["tokenizer"] = {{"kind", tok->kind()},
                          {"vocab_size", tok->vocabSize()},
                          {"adds_bos", tok->addsBos()},
                          {"bos", spell(tok->bosId())},
                          {"eos", eos},
                          {"pad", spell(tok->padId())},
                          {"chat_template", tok->declaresChatTemplate()
                                                ? json(fs::path(tok->chatTemplate().file).filename().string())
                                                : json(nullptr)}};
        const PromptFormat format = PromptFormat::forCheckpoint(policy.dir(), *tok);
        r["prompt"] = {{"format", format.toJson()},
                       {"sample_question", kSampleQuestion},
                       {"sample", format.render(kSampleQuestion, *tok)}};
        r["thinking"] = tok->tokenId("<think>").has_value() && tok->tokenId("</think>").has_value();
    } else {
        r["tokenizer"] = nullptr;
        warnings.push_back("no tokenizer in the folder: only token ids can be scored or sampled");
    }
    r["generation_defaults"] = generationDefaults(policy.dir());
    r["warnings"] = warnings;
    return r;
}

std::string checkpointReportText(const json& r) {
    std::ostringstream s;
    s << "  architecture  " << r["architecture"].get<std::string>() << " ("
      << parameters(r["parameters"].get<int64_t>()) << " parameters, " << r["dtype"].get<std::string>()
      << ", " << r["layers"] << " layers x " << r["hidden_size"] << ", " << r["heads"] << " heads / "
      << r["kv_heads"] << " KV of " << r["head_dim"] << (r["qk_norm"].get<bool>() ? ", q/k norms" : "")
      << ")\n"
      << "  context       " << r["context_length"] << " tokens";
    if (r.contains("rope"))
        s << "; rope " << r["rope"]["type"].get<std::string>() << ", theta "
          << r["rope"]["theta"].get<double>()
          << (r["rope"]["type"] != "default" ? ", factor " + r["rope"]["factor"].dump() : "");
    s << "\n";
    if (r["tokenizer"].is_object()) {
        const json& t = r["tokenizer"];
        s << "  tokenizer     " << t["kind"].get<std::string>() << ", " << t["vocab_size"] << " tokens; BOS "
          << (t["adds_bos"].get<bool>() ? t["bos"].get<std::string>() + " added" : "not added") << "; EOS";
        for (const auto& e : t["eos"])
            s << " " << e.get<std::string>();
        s << "\n  chat template "
          << (t["chat_template"].is_string()
                  ? t["chat_template"].get<std::string>() + " (rendered as transformers does)"
                  : std::string("none"))
          << "\n";
        s << "  prompt        " << r["prompt"]["format"].dump() << "\n  sample        "
          << json(r["prompt"]["sample"]).dump() << "\n";
        s << "  thinking      "
          << (r["thinking"].get<bool>() ? "<think> and </think> are tokens" : "no <think> tokens") << "\n";
    }
    s << "  generation    "
      << (r["generation_defaults"].empty() ? std::string("no generation_config.json defaults")
                                           : r["generation_defaults"].dump())
      << "\n";
    for (const auto& w : r["warnings"])
        s << "  warning       " << w.get<std::string>() << "\n";
    return s.str();
}

} // namespace gpo::model
