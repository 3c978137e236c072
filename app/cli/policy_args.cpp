#include "policy_args.h"

#include "util/text.h"

#include <stdexcept>

namespace gpo::cli {

void PolicyArgs::addTo(CLI::App* cmd, bool required) {
    auto* opt =
        cmd->add_option("--policy", policy, "Checkpoint folder (config.json, *.safetensors, tokenizer.json)");
    if (required) opt->required();
    cmd->add_option("--device", device, "auto, cpu, cuda or cuda:N")->capture_default_str();
    cmd->add_option("--dtype", dtype,
                    "auto (float32 on CPU, the checkpoint's own on CUDA), float32, bfloat16, float16")
        ->capture_default_str();
}

std::unique_ptr<model::Policy> PolicyArgs::load() const {
    return model::Policy::load(policy, {device, dtype});
}

std::vector<int32_t> parseIdList(const std::string& text) {
    std::vector<int32_t> ids;
    for (const std::string& part : text::split(text, ',')) {
        const std::string item = text::trimmed(part);
        size_t used = 0;
        long long v = -1;
        try {
            v = std::stoll(item, &used);
        } catch (const std::exception&) {
            used = 0;
        }
        if (item.empty() || used != item.size() || v < 0 || v > INT32_MAX)
            throw std::invalid_argument("--input-ids: '" + item + "' is not a token id");
        ids.push_back(static_cast<int32_t>(v));
    }
    return ids;
}

} // namespace gpo::cli
