// gpo experiment: GPO against its baselines at the same sampling budget, several seeds, held-out pass@1
// with intervals; CSV, JSON and a Markdown table (jobs/experiment.h).
#include "cli_common.h"
#include "jobs/experiment.h"
#include "model/torch_util.h"

#include <iostream>

namespace gpo::cli {

void addExperiment(CLI::App& app, Context& ctx, int& rc) {
    struct Args {
        jobs::ExperimentOptions e;
        std::string methods, seeds;
        int threads = 0;
        bool json = false;
    };
    auto a = std::make_shared<Args>();
    auto* cmd = app.add_subcommand(
        "experiment", "DPO vs GPO-DPO and GRPO vs GPO-GRPO (random resets as the ablation) at equal "
                      "sampled-token budgets over several seeds; held-out pass@1 with 95% intervals");
    jobs::ExperimentOptions& e = a->e;
    cmd->add_option("--project,-p", e.projectPath, "A project with the demo policy (gpo demo makes one)")
        ->required()
        ->check(CLI::ExistingFile);
    cmd->add_option("--name", e.name,
                    "Names its runs (<name>-gpo-dpo-s1, …); the same name and settings resume it")
        ->capture_default_str();
    cmd->add_option("--policy", e.policy, "The starting policy (default: the project's default)");
    cmd->add_option("--seeds", a->seeds, "Training seeds, comma-separated (default 1,2,3)");
    cmd->add_option(
        "--methods", a->methods,
        "Comma-separated subset of dpo,gpo-dpo,random-dpo,grpo,gpo-grpo,random-grpo (default all)");
    cmd->add_option("--train-pool", e.trainPool, "Training problems imported (exp-train)")
        ->capture_default_str();
    cmd->add_option("--train-problems", e.trainProblems, "Problems the offline GPO data come from")
        ->capture_default_str();
    cmd->add_option("--samples", e.samples, "Answers per training problem")->capture_default_str();
    cmd->add_option("-k", e.rollouts, "MC rollouts per prefix (analysis and online resets)")
        ->capture_default_str();
    cmd->add_option("--selector", e.selector, "Offline GPO's critical step")->capture_default_str();
    cmd->add_option("--heldout", e.heldout, "Held-out problems (exp-heldout)")->capture_default_str();
    cmd->add_option("--dpo-steps", e.dpoSteps, "DPO optimizer steps")->capture_default_str();
    cmd->add_option("--dpo-lr", e.dpoLearningRate, "DPO learning rate")->capture_default_str();
    cmd->add_option("--dpo-beta", e.dpoBeta, "DPO beta")->capture_default_str();
    cmd->add_option("--rpo-alpha", e.dpoRpoAlpha, "> 0: RPO, DPO plus this weight times the chosen NLL")
        ->capture_default_str();
    cmd->add_option("--grpo-steps", e.grpoSteps, "GPO-GRPO steps (the others get its token budget)")
        ->capture_default_str();
    cmd->add_option("--grpo-lr", e.grpoLearningRate, "GRPO learning rate")->capture_default_str();
    cmd->add_option("--out,-o", e.outDir,
                    "Folder for experiment.{md,csv,json} (default: <project>.experiment)");
    cmd->add_option("--device", e.device, "auto, cpu, cuda, cuda:N")->capture_default_str();
    cmd->add_option("--threads", a->threads, "CPU threads for LibTorch (0: one per core)");
    cmd->add_flag("--json", a->json, "Progress as JSON lines on stdout; the result last");
    cmd->callback([a, &ctx, &rc] {
        rc = runCommand(a->json, [&] {
            jobs::ExperimentOptions o = a->e;
            auto list = [](const std::string& text) {
                std::vector<std::string> out;
                std::stringstream s(text);
                for (std::string item; std::getline(s, item, ',');)
                    if (!item.empty()) out.push_back(item);
                return out;
            };
            if (!a->methods.empty()) o.methods = list(a->methods);
            if (!a->seeds.empty()) {
                o.seeds.clear();
                for (const auto& s : list(a->seeds))
                    o.seeds.push_back(std::stoull(s));
            }
            model::setCpuThreads(a->threads);
            o.cancelled = stopOnSignals();
            o.progress = [&](const nlohmann::json& ev) {
                if (a->json)
                    printJson(ev);
                else if (ev.value("event", "") == "stage")
                    std::cerr << "gpo experiment: " << ev.value("stage", "") << "\n";
            };
            const jobs::ExperimentResult r = jobs::runExperiment(*ctx.registry, o);
            nlohmann::json j = r.toJson();
            j["ok"] = true;
            if (a->json) {
                printJson(j);
            } else {
                std::cout << r.markdown << "\n"
                          << (r.cancelled ? "stopped; run the same command again to go on. " : "")
                          << "Tables in " << r.outDir << " (" << static_cast<int64_t>(r.seconds) << " s)\n";
            }
            return 0;
        });
    });
}

} // namespace gpo::cli
