#pragma once
// The GPO Studio plugin interface, version 2 (gpo::kPluginApiVersion).
//
// A plugin is a shared library that exports one C function, written with this macro:
//
//     #include <gpo/plugin.h>
//     GPO_PLUGIN_ENTRY {
//         registry->describePlugin("think-traces", "1.0.0");
//         registry->addSegmenter(std::make_unique<ThinkSegmenter>());
//         return 0;
//     }
//
// It may register implementations of four interfaces, each under a name of its own:
//   gpo::DatasetReader (data/reader.h)   a dataset format for `gpo import` and the studio's Import
//   gpo::Verifier      (data/verifier.h) how a response's final answer is read and graded
//   gpo::Segmenter     (data/segmenter.h) how a response is cut into steps
//   gpo::mc::Selector  (mc/selector.h)    how the critical step is picked from step values
// The built-in ones go through this same entry point. Return 0 to register; anything else refuses the
// plugin. The macro refuses, by itself, a host of another API version, and the host then says which
// version the plugin was built for. A plugin that throws or crashes in its entry point is refused with
// what it added taken back, and the application goes on with the rest.
//
// Plugins are found in the folders of GPO_PLUGIN_PATH (':'-separated) and in <prefix>/lib/gpo/plugins;
// the CLI and the studio load the same ones. `gpo plugins` lists what loaded and what did not. Build one
// with CMake: find_package(GpoStudio) and link GpoStudio::plugin (plugins/examples/think_traces).
// A plugin's code calls into the host application, which exports the SDK's symbols: it links nothing else.
#include "plugin/registry.h"

#define GPO_PLUGIN_ENTRY                                                                                     \
    static int gpoPluginRegister(gpo::Registry* registry);                                                   \
    extern "C" __attribute__((visibility("default"))) int gpo_plugin_register(int apiVersion,                \
                                                                              gpo::Registry* registry) {     \
        if (apiVersion != gpo::kPluginApiVersion) return -gpo::kPluginApiVersion;                            \
        return gpoPluginRegister(registry);                                                                  \
    }                                                                                                        \
    static int gpoPluginRegister(gpo::Registry* registry)
