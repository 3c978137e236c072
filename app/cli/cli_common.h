#pragma once
// What every `gpo` command shares: the registry, output in text or JSON, and one error path.
#include "plugin/registry.h"
#include "store/queries.h"

#include <CLI/CLI.hpp>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace gpo::cli {

struct Context {
    Registry* registry = nullptr;
    std::vector<std::string> args; ///< the command line after the program's name (launchers rerun it)
};

/// Runs a command body; prints errors (as {"ok": false, "error": …} with --json) and returns the exit code.
int runCommand(bool json, const std::function<int()>& body);
/// Writes a file through `write`; throws naming the path when it cannot be written.
void writeFile(const std::string& path, const std::function<void(std::ostream&)>& write);
/// Prints one JSON object as the last line on stdout.
void printJson(const nlohmann::json& j);
/// A command's result: one JSON line on stdout with --json, else the object indented for people.
void printResult(bool json, const nlohmann::json& j);
/// An InputError as JSON (file, line, offset, cause).
nlohmann::json errorJson(const std::exception& e);

/// Makes SIGINT and SIGTERM request a stop instead of killing the process; the returned function says
/// whether one was requested. Long jobs check it between units of work and end consistently.
std::function<bool()> stopOnSignals();

/// The trajectory filter options that ls and export share.
struct FilterArgs {
    std::string dataset, text, source;
    bool correct = false, incorrect = false, unverified = false;
    void addTo(CLI::App* cmd);
    TrajectoryFilter filter() const;
};

// Each command adds its subcommand to `app`; the callbacks set the exit code.
void addImport(CLI::App& app, Context& ctx, int& rc);
void addList(CLI::App& app, Context& ctx, int& rc);
void addShow(CLI::App& app, Context& ctx, int& rc);
void addStats(CLI::App& app, Context& ctx, int& rc);
void addVerify(CLI::App& app, Context& ctx, int& rc);
void addExport(CLI::App& app, Context& ctx, int& rc);
void addFormats(CLI::App& app, Context& ctx, int& rc);
void addBench(CLI::App& app, Context& ctx, int& rc);
/// `gpo bench generate`, under the `bench` subcommand.
void addBenchGenerate(CLI::App& bench, Context& ctx, int& rc);
void addBenchTrain(CLI::App& bench, Context& ctx, int& rc);
void addLogprobs(CLI::App& app, Context& ctx, int& rc);
void addGenerate(CLI::App& app, Context& ctx, int& rc);
void addDemoPolicy(CLI::App& app, Context& ctx, int& rc);
void addSft(CLI::App& app, Context& ctx, int& rc);
void addEval(CLI::App& app, Context& ctx, int& rc);
void addDemo(CLI::App& app, Context& ctx, int& rc);
void addPolicy(CLI::App& app, Context& ctx, int& rc);
void addAnalyze(CLI::App& app, Context& ctx, int& rc);
void addMerge(CLI::App& app, Context& ctx, int& rc);
void addAgreement(CLI::App& app, Context& ctx, int& rc);
void addStudy(CLI::App& app, Context& ctx, int& rc);
void addAnnotations(CLI::App& app, Context& ctx, int& rc);
void addRuns(CLI::App& app, Context& ctx, int& rc);
void addPairs(CLI::App& app, Context& ctx, int& rc);
void addTrain(CLI::App& app, Context& ctx, int& rc);
void addExperiment(CLI::App& app, Context& ctx, int& rc);
void addPlugins(CLI::App& app, Context& ctx, int& rc);
/// What `gpo plugins` says, as JSON and as text (gpo doctor says it too).
nlohmann::json pluginsJson(const Registry& registry);
void printPlugins(const Registry& registry);
void addDoctor(CLI::App& app, Context& ctx, int& rc);
/// "gpo 0.1.0 (commit …), LibTorch 1.13.0, CUDA not available": what --version prints.
std::string versionText();
/// `gpo bench analyze`, under the `bench` subcommand.
void addBenchAnalyze(CLI::App& bench, Context& ctx, int& rc);
/// `gpo bench agreement`, under the `bench` subcommand.
void addBenchAgreement(CLI::App& bench, Context& ctx, int& rc);
/// `gpo bench concurrent`, under the `bench` subcommand.
void addBenchConcurrent(CLI::App& bench, Context& ctx, int& rc);
/// `gpo bench study`, under the `bench` subcommand.
void addBenchStudy(CLI::App& bench, Context& ctx, int& rc);

} // namespace gpo::cli
