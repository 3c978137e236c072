#pragma once
// The demo project: real samples of GSM8K, MATH and MATH-500 with their reference solutions as
// trajectories, verified. Built from data compiled into the studio, so it works on a fresh machine.
#include "plugin/registry.h"

#include <QString>

namespace gpo::ui {

/// Registers the studio's compiled-in resources (demo data, icons); safe to call more than once.
void initResources();

/// Where the demo project lives (the user's application data folder).
QString defaultDemoProjectPath();
/// Creates the demo project at `path` unless it exists; throws std::exception on failure. The project
/// is built beside the target and renamed into place, so a failure never leaves half a demo.
void ensureDemoProject(const QString& path, const Registry& registry);

} // namespace gpo::ui
