#pragma once
// What this build of GPO Studio is: its version and the git commit it was built from.
#include <string>

namespace gpo {

/// The project's version ("0.1.0").
std::string version();
/// The commit the build came from ("a1b2c3d", "-dirty" with uncommitted changes); "unknown" outside git.
std::string gitCommit();

} // namespace gpo
