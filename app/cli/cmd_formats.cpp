#include "cli_common.h"

#include <iostream>

namespace gpo::cli {

void addFormats(CLI::App& app, Context& ctx, int& rc) {
    auto json = std::make_shared<bool>(false);
    auto* cmd = app.add_subcommand("formats",
                                   "List the dataset formats, verifiers, segmenters, selectors and plugins");
    cmd->add_flag("--json", *json, "Print a JSON result on stdout");
    cmd->callback([json, &ctx, &rc] {
        rc = runCommand(*json, [&] {
            const Registry& r = *ctx.registry;
            if (*json) {
                nlohmann::json j{{"ok", true}};
                for (const auto* f : r.readers())
                    j["formats"].push_back({{"name", f->name()},
                                            {"description", f->description()},
                                            {"verifier", f->defaultVerifier()}});
                for (const auto* v : r.verifiers())
                    j["verifiers"].push_back({{"name", v->name()}, {"description", v->description()}});
                for (const auto* s : r.segmenters())
                    j["segmenters"].push_back({{"name", s->name()}, {"description", s->description()}});
                for (const auto* s : r.selectors())
                    j["selectors"].push_back({{"name", s->name()}, {"description", s->description()}});
                for (const auto& p : r.plugins())
                    j["plugins"].push_back({{"name", p.name},
                                            {"version", p.version},
                                            {"readers", p.readers},
                                            {"verifiers", p.verifiers},
                                            {"segmenters", p.segmenters},
                                            {"selectors", p.selectors}});
                printJson(j);
                return 0;
            }
            std::cout << "Formats:\n";
            for (const auto* f : r.readers())
                std::printf("  %-13s %s [verifier: %s]\n", f->name().c_str(), f->description().c_str(),
                            f->defaultVerifier().c_str());
            std::cout << "Verifiers:\n";
            for (const auto* v : r.verifiers())
                std::printf("  %-13s %s\n", v->name().c_str(), v->description().c_str());
            std::cout << "Segmenters:\n";
            for (const auto* s : r.segmenters())
                std::printf("  %-13s %s\n", s->name().c_str(), s->description().c_str());
            std::cout << "Selectors:\n";
            for (const auto* s : r.selectors())
                std::printf("  %-16s %s\n", s->name().c_str(), s->description().c_str());
            std::cout << "Plugins:\n";
            for (const auto& p : r.plugins())
                std::printf("  %s\n", p.name.c_str());
            return 0;
        });
    });
}

} // namespace gpo::cli
