// gpo plugins: every plugin that loaded (name, version, file, what it registered) and every library that
// was refused, with the reason.
#include "builtin.h"
#include "cli_common.h"

#include <cstdio>

namespace gpo::cli {

nlohmann::json pluginsJson(const Registry& r) {
    nlohmann::json loaded = nlohmann::json::array(), failed = nlohmann::json::array();
    for (const auto& p : r.plugins())
        loaded.push_back({{"name", p.name},
                          {"version", p.version},
                          {"file", p.file},
                          {"readers", p.readers},
                          {"verifiers", p.verifiers},
                          {"segmenters", p.segmenters},
                          {"selectors", p.selectors}});
    for (const auto& f : r.failures())
        failed.push_back({{"file", f.file}, {"reason", f.reason}});
    return {{"api_version", kPluginApiVersion},
            {"folders", plugins::pluginFolders()},
            {"plugins", loaded},
            {"failures", failed}};
}

void printPlugins(const Registry& r) {
    std::printf("Plugin API version %d; folders:", kPluginApiVersion);
    for (const auto& f : plugins::pluginFolders())
        std::printf(" %s", f.c_str());
    std::printf("\n");
    for (const auto& p : r.plugins()) {
        std::printf("  %s %s  %s\n", p.name.c_str(), p.version.c_str(),
                    p.file.empty() ? "(built in)" : p.file.c_str());
        for (const auto& [what, names] :
             {std::pair{"formats", &p.readers}, std::pair{"verifiers", &p.verifiers},
              std::pair{"segmenters", &p.segmenters}, std::pair{"selectors", &p.selectors}})
            if (!names->empty()) {
                std::string list;
                for (const auto& n : *names)
                    list += (list.empty() ? "" : ", ") + n;
                std::printf("      %-10s %s\n", what, list.c_str());
            }
    }
    for (const auto& f : r.failures())
        std::printf("  refused: %s\n", f.reason.c_str());
}

void addPlugins(CLI::App& app, Context& ctx, int& rc) {
    auto json = std::make_shared<bool>(false);
    auto* cmd = app.add_subcommand("plugins", "List the plugins that loaded, what each registered, and the "
                                              "libraries that were refused and why");
    cmd->add_flag("--json", *json, "Print a JSON result on stdout");
    cmd->callback([json, &ctx, &rc] {
        rc = runCommand(*json, [&] {
            if (*json) {
                nlohmann::json j = pluginsJson(*ctx.registry);
                j["ok"] = true;
                printJson(j);
            } else {
                printPlugins(*ctx.registry);
            }
            return 0;
        });
    });
}

} // namespace gpo::cli
