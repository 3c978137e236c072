#pragma once
// The GPO Studio plugin interface. A plugin is a shared library that exports one C function,
//
//     GPO_PLUGIN_ENTRY { registry->addSegmenter(std::make_unique<MySegmenter>()); return 0; }
//
// which adds implementations of core interfaces (gpo::DatasetReader, gpo::Verifier, gpo::Segmenter,
// gpo::mc::Selector) to the registry. The built-in ones are registered through this same entry signature.
// Plugins are found in the folders of GPO_PLUGIN_PATH and in <prefix>/lib/gpo/plugins; the CLI and the
// studio load the same.
#include "plugin/registry.h"

#define GPO_PLUGIN_ENTRY                                                                                     \
    extern "C" __attribute__((visibility("default"))) int gpo_plugin_register(int apiVersion,                \
                                                                              gpo::Registry* registry)
