// Plugins that must be refused while the application keeps going: built four times, GPO_BAD_PLUGIN
// choosing how each goes wrong.
#include "gpo/plugin.h"

#include <memory>
#include <stdexcept>

namespace {
class NamedSegmenter final : public gpo::Segmenter {
public:
    std::string name() const override { return "bad-segmenter"; }
    std::string description() const override { return "must not stay registered"; }
    std::vector<gpo::Step> split(std::string_view) const override { return {}; }
};
} // namespace

#if GPO_BAD_PLUGIN == 1
// Built against a future SDK: its entry point answers as GPO_PLUGIN_ENTRY of API version 3 does.
extern "C" __attribute__((visibility("default"))) int gpo_plugin_register(int apiVersion, gpo::Registry*) {
    return apiVersion == 3 ? 0 : -3;
}
#elif GPO_BAD_PLUGIN == 2
GPO_PLUGIN_ENTRY {
    registry->addSegmenter(std::make_unique<NamedSegmenter>());
    throw std::runtime_error("its licence file is missing");
}
#elif GPO_BAD_PLUGIN == 3
GPO_PLUGIN_ENTRY {
    registry->addSegmenter(std::make_unique<NamedSegmenter>());
    volatile int* nowhere = nullptr;
    *nowhere = 1; // a crash in the entry point
    return 0;
}
#else
// A shared library, but no plugin: no entry point.
extern "C" __attribute__((visibility("default"))) int something_else() {
    return 0;
}
#endif
