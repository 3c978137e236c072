#pragma once
// The registry of named implementations (dataset readers, verifiers, segmenters, critical-step selectors)
// that the CLI, the studio and the jobs look formats up in. Built-in ones and shared-library plugins fill it
// the same way: through a plugin entry point (see plugins/api/gpo/plugin.h).
#include "data/reader.h"
#include "data/segmenter.h"
#include "data/verifier.h"
#include "mc/selector.h"

#include <memory>
#include <string>
#include <vector>

namespace gpo {

class Registry;

/// Version of the plugin interface. 2: plugins name themselves (describePlugin) and a plugin built for
/// another version says which one it was built for. GPO_PLUGIN_ENTRY (plugins/api/gpo/plugin.h) checks it.
inline constexpr int kPluginApiVersion = 2;
/// Name of the C entry point every plugin library exports.
inline constexpr const char* kPluginEntryPoint = "gpo_plugin_register";
/// Returns 0 on success; -V when the plugin was built for API version V (not this one); anything else
/// refuses the plugin.
using PluginEntry = int (*)(int apiVersion, Registry* registry);

/// A plugin that loaded, and what it added.
struct PluginInfo {
    std::string name;    ///< as the plugin names itself; else "builtin" or the library's file name
    std::string version; ///< the plugin's own version, when it gives one
    std::string file;    ///< the library's path; empty for the built-in plugin
    std::vector<std::string> readers, verifiers, segmenters, selectors; ///< the names it registered
};

/// A plugin library that did not load, and why.
struct PluginFailure {
    std::string file, reason;
};

class Registry {
public:
    void addReader(std::unique_ptr<DatasetReader> reader);
    void addVerifier(std::unique_ptr<Verifier> verifier);
    void addSegmenter(std::unique_ptr<Segmenter> segmenter);
    void addSelector(std::unique_ptr<mc::Selector> selector);

    /// nullptr when no such name.
    const DatasetReader* reader(const std::string& name) const;
    const Verifier* verifier(const std::string& name) const;
    const Segmenter* segmenter(const std::string& name) const;
    const mc::Selector* selector(const std::string& name) const;
    /// Like the above but throws std::invalid_argument listing the known names.
    const DatasetReader& requireReader(const std::string& name) const;
    const Verifier& requireVerifier(const std::string& name) const;
    const Segmenter& requireSegmenter(const std::string& name) const;
    const mc::Selector& requireSelector(const std::string& name) const;

    std::vector<const DatasetReader*> readers() const;
    std::vector<const Verifier*> verifiers() const;
    std::vector<const Segmenter*> segmenters() const;
    std::vector<const mc::Selector*> selectors() const;
    const std::vector<PluginInfo>& plugins() const { return plugins_; }
    /// The libraries that were refused, each with its reason.
    const std::vector<PluginFailure>& failures() const { return failures_; }

    /// For a plugin's entry point: the name and version `gpo plugins` and the studio list it under.
    void describePlugin(const std::string& name, const std::string& version);

    /// Runs a plugin's entry point (built-in or from dlopen) and records what it added. A plugin that
    /// refuses, throws or crashes (a fatal signal) in its entry point adds nothing: what it added before
    /// is taken back, and std::runtime_error says why.
    void registerPlugin(const std::string& name, PluginEntry entry, const std::string& file = {});
    /// dlopen()s a plugin library and registers it; throws std::runtime_error with the reason on failure.
    void loadPluginLibrary(const std::string& path);
    /// Loads every *.so in each folder of a ':'-separated list; returns the errors (one per bad library),
    /// which failures() keeps too.
    std::vector<std::string> loadPluginFolders(const std::string& folders);

private:
    std::vector<std::unique_ptr<DatasetReader>> readers_;
    std::vector<std::unique_ptr<Verifier>> verifiers_;
    std::vector<std::unique_ptr<Segmenter>> segmenters_;
    std::vector<std::unique_ptr<mc::Selector>> selectors_;
    std::vector<PluginInfo> plugins_;
    std::vector<PluginFailure> failures_;
    PluginInfo* describing_ = nullptr; ///< the plugin whose entry point runs now
    std::vector<void*> libraries_;
};

} // namespace gpo
