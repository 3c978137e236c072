#pragma once
// A small real project for store tests: demo-test problems imported from the demo task's JSONL, each with
// its worked solution and one with a planted error (first_error set).
#include "data/demo_task.h"
#include "store/importer.h"

#include <string>

namespace gpo::testing {

/// Creates the project at `path` (its JSONL written beside it) with `problems` demo-test problems.
inline Project demoTestProject(const std::string& path, Registry& registry, int64_t problems = 6) {
    Project p = Project::open(path, OpenMode::Create);
    const std::string file = path + ".jsonl";
    writeDemoJsonl(file, "test", problems, 1, true);
    ImportOptions io;
    io.format = "jsonl";
    io.dataset = "demo-test";
    Importer(p, registry).importPath(file, io);
    return p;
}

} // namespace gpo::testing
