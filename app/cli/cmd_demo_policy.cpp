#include "cli_common.h"
#include "model/policy.h"
#include "train/demo_policy.h"

#include <iostream>

namespace gpo::cli {

void addDemoPolicy(CLI::App& app, Context&, int& rc) {
    struct Args {
        train::DemoPolicyOptions options;
        int64_t evalProblems = 200;
        bool json = false;
    };
    auto a = std::make_shared<Args>();
    a->options.sft.steps =
        1500; // the shipped resources/demo-policy: greedy pass@1 0.595 on 200 test problems
    a->options.sft.batchSize = 16;
    a->options.sft.lr = 2e-3;
    a->options.sft.minLr = 1e-4;
    a->options.sft.warmup = 100;
    a->options.sft.checkpointEvery = 250;
    a->options.sft.logEvery = 25;
    auto* cmd = app.add_subcommand(
        "demo-policy", "Train the demo policy from a seed (tokenizer, model, SFT on the demo task)");
    cmd->add_option("--out,-o", a->options.outDir, "Checkpoint folder to write")->required();
    cmd->add_option("--seed", a->options.seed, "Seed of the data, tokenizer and initial weights")
        ->capture_default_str();
    cmd->add_option("--steps", a->options.sft.steps, "Optimizer steps")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cmd->add_option("--batch", a->options.sft.batchSize, "Examples per step")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cmd->add_option("--lr", a->options.sft.lr, "Peak learning rate")->capture_default_str();
    cmd->add_option("--eval", a->evalProblems, "Test problems for the final greedy pass@1 (0: skip)")
        ->capture_default_str();
    cmd->add_flag("--resume", a->options.sft.resume, "Continue an interrupted run from its last checkpoint");
    cmd->add_flag("--json", a->json, "Metrics as JSON lines on stdout; the result last");
    cmd->callback([a, &rc] {
        rc = runCommand(a->json, [&] {
            const train::SftResult r = train::trainDemoPolicy(a->options, [&](const nlohmann::json& m) {
                if (a->json)
                    printJson(m);
                else
                    std::cerr << "step " << m["step"] << "/" << m["steps"] << " loss " << m["loss"] << " lr "
                              << m["lr"] << " (" << m["tokens_per_s"] << " tokens/s)\n";
            });
            nlohmann::json result{{"ok", true},
                                  {"out", a->options.outDir},
                                  {"steps", r.steps},
                                  {"loss", r.loss},
                                  {"seconds", r.seconds}};
            if (a->evalProblems > 0) {
                auto policy = model::Policy::load(a->options.outDir, {"cpu", "float32"});
                const auto e = train::evaluateOnDemoTask(*policy, "test", a->evalProblems, a->options.seed);
                result["test_problems"] = e.problems;
                result["pass_at_1"] = e.passAt1();
            }
            printResult(a->json, result);
            return 0;
        });
    });
}

} // namespace gpo::cli
