#include "policy_args.h"

#include "model/torch_util.h"
#include "util/text.h"

#include <filesystem>
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
    cmd->add_option(
           "--threads", threads,
           "CPU threads (default: one per core). Processes sharing a machine, such as local analysis "
           "shards, should split the cores between them: spinning OpenMP threads of one process "
           "starve the others")
        ->check(CLI::NonNegativeNumber);
}

std::unique_ptr<model::Policy> PolicyArgs::load() const {
    model::setCpuThreads(threads);
    return model::Policy::load(policy, {device, dtype});
}

PolicyEntry projectPolicy(Project& project, const std::string& policy, const std::string& name) {
    namespace fs = std::filesystem;
    if (policy.empty()) {
        if (auto p = defaultPolicy(project)) return *p;
        throw std::invalid_argument("the project has no default policy: pass --policy DIR");
    }
    if (fs::is_directory(policy)) {
        const fs::path dir = fs::absolute(policy).lexically_normal();
        const std::string stem =
            dir.has_filename() ? dir.filename().string() : dir.parent_path().filename().string();
        return registerPolicy(project, name.empty() ? stem : name, dir.string(), false);
    }
    if (auto p = findPolicy(project, policy)) return *p;
    throw std::invalid_argument("--policy " + policy +
                                ": neither a checkpoint folder nor a policy of the project");
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
