// gpo: the headless GPO Studio command (import, inspect, verify, export, bench; analysis and training
// in later releases). Every command's work is in gpo_core; this only wires the command line.
#include "builtin.h"
#include "cli_common.h"

#include <iostream>

int main(int argc, char** argv) {
    std::vector<std::string> pluginErrors;
    auto registry = gpo::plugins::standardRegistry(&pluginErrors);
    for (const auto& e : pluginErrors)
        std::cerr << "gpo: warning: " << e << '\n';
    gpo::cli::Context ctx{registry.get(), std::vector<std::string>(argv + 1, argv + argc)};

    CLI::App app{"gpo — critical-step analysis and training of reasoning language models (GPO Studio)"};
    app.set_version_flag("--version", [] { return gpo::cli::versionText(); });
    app.require_subcommand(1);
    int rc = 0;
    gpo::cli::addImport(app, ctx, rc);
    gpo::cli::addList(app, ctx, rc);
    gpo::cli::addShow(app, ctx, rc);
    gpo::cli::addStats(app, ctx, rc);
    gpo::cli::addVerify(app, ctx, rc);
    gpo::cli::addExport(app, ctx, rc);
    gpo::cli::addFormats(app, ctx, rc);
    gpo::cli::addBench(app, ctx, rc);
    gpo::cli::addLogprobs(app, ctx, rc);
    gpo::cli::addGenerate(app, ctx, rc);
    gpo::cli::addDemoPolicy(app, ctx, rc);
    gpo::cli::addSft(app, ctx, rc);
    gpo::cli::addEval(app, ctx, rc);
    gpo::cli::addDemo(app, ctx, rc);
    gpo::cli::addPolicy(app, ctx, rc);
    gpo::cli::addAnalyze(app, ctx, rc);
    gpo::cli::addMerge(app, ctx, rc);
    gpo::cli::addAgreement(app, ctx, rc);
    gpo::cli::addStudy(app, ctx, rc);
    gpo::cli::addAnnotations(app, ctx, rc);
    gpo::cli::addRuns(app, ctx, rc);
    gpo::cli::addPairs(app, ctx, rc);
    gpo::cli::addTrain(app, ctx, rc);
    gpo::cli::addExperiment(app, ctx, rc);
    gpo::cli::addPlugins(app, ctx, rc);
    gpo::cli::addDoctor(app, ctx, rc);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    }
    return rc;
}
