#pragma once
// The built-in plugin (formats, verifiers, segmenters) and the standard way to build a registry.
#include "plugin/registry.h"

#include <memory>
#include <string>
#include <vector>

namespace gpo::plugins {

/// Entry point of the built-in plugin: the same signature a shared-library plugin exports.
int registerBuiltins(int apiVersion, Registry* registry);

/// The folders plugins are loaded from: GPO_PLUGIN_PATH's, then <prefix>/lib/gpo/plugins.
std::vector<std::string> pluginFolders();

/// A registry with the built-in plugin, then every plugin found in GPO_PLUGIN_PATH and the install's
/// plugin folder. Load errors are written to `errors` when given.
std::unique_ptr<Registry> standardRegistry(std::vector<std::string>* errors = nullptr);

} // namespace gpo::plugins
