// gpo eval: sample a policy on a dataset of a project, grade and store the answers, print pass@k.
#include "cli_common.h"
#include "jobs/eval_job.h"
#include "policy_args.h"

#include <iostream>

namespace gpo::cli {

void addEval(CLI::App& app, Context& ctx, int& rc) {
    struct Args {
        std::string project, name, promptTemplate;
        PolicyArgs policy;
        jobs::EvalOptions eval;
        bool json = false;
    };
    auto a = std::make_shared<Args>();
    auto* cmd = app.add_subcommand("eval", "Sample a policy on every problem of a dataset; store the answers "
                                           "and verdicts; print pass@1 and pass@k");
    cmd->alias("sample"); // the policy's own trajectories, to analyse: gpo sample -n 4 -t 1
    cmd->add_option("--project,-p", a->project, "Project file")->required()->check(CLI::ExistingFile);
    cmd->add_option("--dataset,-d", a->eval.dataset, "Dataset of the project")->required();
    a->policy.addTo(cmd, false);
    cmd->get_option("--policy")
        ->description("Checkpoint folder or the name of a policy of the project (default: the project's "
                      "default policy)");
    cmd->add_option("--name", a->name,
                    "Name to register a --policy folder under (default: the folder's name)");
    cmd->add_option("--samples,-n", a->eval.samples, "Answers per problem (1: greedy unless -t is given)")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cmd->add_option("--temperature,-t", a->eval.temperature,
                    "Sampling temperature (default: 0 for one sample, 1 for more)");
    cmd->add_option("--top-p", a->eval.topP, "Nucleus sampling mass")->capture_default_str();
    cmd->add_option("--top-k", a->eval.topK, "Keep the k likeliest tokens (0: off)")->capture_default_str();
    cmd->add_option("--max-tokens", a->eval.maxNewTokens,
                    "New tokens per answer (default: generation_config.json's, else 512)");
    cmd->add_option("--limit", a->eval.limit, "Only the first N problems of the dataset")
        ->check(CLI::NonNegativeNumber);
    cmd->add_option("--batch", a->eval.batchSize, "Sequences per generation batch")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cmd->add_option("--seed", a->eval.seed, "Seed of the sampling")->capture_default_str();
    cmd->add_option("--segmenter", a->eval.segmenter, "How answers are split into steps")
        ->capture_default_str();
    cmd->add_option("--prompt-template", a->promptTemplate,
                    "Prompt around the question, with {question} (default: the checkpoint's gpo_prompt.json, "
                    "else its chat template, else \"Question: {question}\\nAnswer:\\n\")");
    cmd->add_flag("--json", a->json, "Progress as JSON lines on stdout; the result last");
    cmd->callback([a, &ctx, &rc] {
        rc = runCommand(a->json, [&] {
            const auto stopRequested = stopOnSignals(); // first: a stop while loading ends cleanly too
            Project project = Project::open(a->project);
            const PolicyEntry entry = projectPolicy(project, a->policy.policy, a->name);
            PolicyArgs from = a->policy;
            from.policy = entry.path;
            auto policy = from.load();
            jobs::EvalOptions o = a->eval;
            o.cancelled = stopRequested;
            o.policyName = entry.name;
            if (!a->promptTemplate.empty()) o.prompt = model::PromptFormat::plain(a->promptTemplate);
            o.progress = [&](const nlohmann::json& e) {
                if (a->json) printJson(e);
                std::cerr << "gpo eval: " << e["done"] << "/" << e["total"] << " problems, " << e["correct"]
                          << "/" << e["samples"] << " answers right\n";
            };
            std::cerr << "gpo eval: policy " << entry.name << " (" << entry.path << ") on " << o.dataset
                      << "\n";
            const jobs::EvalResult r = jobs::evaluatePolicy(project, *ctx.registry, *policy, o);
            nlohmann::json j = r.toJson();
            j["ok"] = !r.cancelled;
            j["policy"] = entry.name;
            j["dataset"] = o.dataset;
            printResult(a->json, j);
            return r.cancelled ? 130 : 0;
        });
    });
}

} // namespace gpo::cli
