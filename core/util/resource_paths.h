#pragma once
// Where the files that ship with GPO Studio lie: <prefix>/share/gpo beside <prefix>/bin, both in the
// build tree and once installed.
#include <optional>
#include <string>

namespace gpo {

/// The folder of the running executable.
std::string executableDir();
/// The shipped resource `name` (e.g. "demo-policy"), or nullopt when it cannot be found. The environment
/// variable GPO_SHARE_DIR, when set, is searched first.
std::optional<std::string> findSharedResource(const std::string& name);

} // namespace gpo
