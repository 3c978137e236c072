// gpo demo: create or refresh the demo project; gpo demo-task: write the demo task's problems as JSONL.
#include "cli_common.h"
#include "data/demo_task.h"
#include "jobs/demo_project.h"
#include "util/resource_paths.h"

#include <iostream>

namespace gpo::cli {
namespace {

void addDemoTask(CLI::App& app, int& rc) {
    struct Args {
        std::string split = "train", out;
        int64_t count = 1000, first = 0;
        uint64_t seed = 1;
        bool planted = false, json = false;
    };
    auto a = std::make_shared<Args>();
    auto* cmd =
        app.add_subcommand("demo-task", "Write problems of the demo task as JSONL (import format jsonl)");
    cmd->add_option("--split", a->split, "train or test")
        ->check(CLI::IsMember({"train", "test"}))
        ->capture_default_str();
    cmd->add_option("--count", a->count, "Problems")->check(CLI::NonNegativeNumber)->capture_default_str();
    cmd->add_option("--first", a->first, "Index of the first problem (a fresh slice of the split's stream)")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str();
    cmd->add_option("--seed", a->seed, "Seed of the task")->capture_default_str();
    cmd->add_flag("--planted-errors", a->planted, "Add a trajectory with a planted first error per problem");
    cmd->add_option("--out,-o", a->out, "JSONL file to write")->required();
    cmd->add_flag("--json", a->json, "Print the result as JSON");
    cmd->callback([a, &rc] {
        rc = runCommand(a->json, [&] {
            const int64_t lines = writeDemoJsonl(a->out, a->split, a->count, a->seed, a->planted, a->first);
            const nlohmann::json j{{"ok", true}, {"out", a->out}, {"problems", a->count}, {"lines", lines}};
            if (a->json)
                printJson(j);
            else
                std::cout << "wrote " << lines << " lines to " << a->out << "\n";
            return 0;
        });
    });
}

} // namespace

void addDemo(CLI::App& app, Context& ctx, int& rc) {
    struct Args {
        jobs::DemoProjectOptions demo;
        bool json = false;
    };
    auto a = std::make_shared<Args>();
    auto* cmd = app.add_subcommand("demo", "Create or refresh the demo project: demo-train/demo-test, the "
                                           "demo policy as default, its first answers, an analysis of the "
                                           "planted errors");
    cmd->add_option("--project,-p", a->demo.projectPath, "Project file (created when missing)")->required();
    cmd->add_option("--policy", a->demo.policyDir, "Demo policy folder (default: the one shipped with gpo)");
    cmd->add_option("--seed", a->demo.seed, "Seed of the demo task")->capture_default_str();
    cmd->add_option("--train", a->demo.trainProblems, "Problems in demo-train")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str();
    cmd->add_option("--test", a->demo.testProblems, "Problems in demo-test")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str();
    cmd->add_option("--eval-problems", a->demo.evalProblems,
                    "demo-test problems the policy answers (0: none)")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str();
    cmd->add_option("--samples,-n", a->demo.samples, "Answers per problem")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cmd->add_option("--temperature,-t", a->demo.temperature, "Sampling temperature")->capture_default_str();
    cmd->add_option("--analysis-rollouts", a->demo.analysisRollouts,
                    "K of the analysis of demo-test's planted errors (0: none)")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str();
    cmd->add_option("--device", a->demo.device, "auto, cpu, cuda or cuda:N")->capture_default_str();
    cmd->add_flag("--json", a->json, "Progress as JSON lines on stdout; the result last");
    cmd->callback([a, &ctx, &rc] {
        rc = runCommand(a->json, [&] {
            const auto stopRequested = stopOnSignals(); // first: a stop while loading ends cleanly too
            jobs::DemoProjectOptions o = a->demo;
            o.cancelled = stopRequested;
            if (o.policyDir.empty()) {
                const auto found = findSharedResource("demo-policy");
                if (!found)
                    throw std::runtime_error(
                        "the demo policy is not installed beside gpo (share/gpo/demo-policy);"
                        " pass --policy DIR or set GPO_SHARE_DIR");
                o.policyDir = *found;
            }
            o.progress = [&](const nlohmann::json& e) {
                if (a->json) printJson(e);
                if (e["event"] == "stage")
                    std::cerr << "gpo demo: " << e["stage"].get<std::string>() << "\n";
                else if (e.contains("trajectory_id"))
                    std::cerr << "gpo demo: " << e["done"] << "/" << e["total"] << " trajectories analysed\n";
                else
                    std::cerr << "gpo demo: " << e["done"] << "/" << e["total"] << " problems answered\n";
            };
            const jobs::DemoProjectResult r = jobs::buildDemoProject(*ctx.registry, o);
            nlohmann::json j = r.toJson();
            const bool cancelled = r.eval.cancelled || r.analysis.cancelled;
            j["ok"] = !cancelled;
            j["project"] = o.projectPath;
            printResult(a->json, j);
            return cancelled ? 130 : 0;
        });
    });
    addDemoTask(app, rc);
}

} // namespace gpo::cli
