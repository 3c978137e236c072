// gpo train: a training run on a project, from a run.json (TRL's key names), as a resumable job whose
// metrics stream as JSON lines and land in the project.
#include "cli_common.h"
#include "jobs/local_ranks.h"
#include "jobs/slurm.h"
#include "jobs/train_job.h"
#include "model/torch_util.h"
#include "slurm_args.h"
#include "store/runs.h"
#include "train/process_group.h"
#include "util/child_process.h"

#include <ATen/Context.h>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>

namespace gpo::cli {
namespace {
namespace fs = std::filesystem;

/// `gpo train --slurm`: the run recorded as queued, its config copied beside it, the batch script written
/// there and submitted; the job's ranks take the queued run up with --resume.
nlohmann::json submitToSlurm(const std::string& projectPath, const std::string& configPath,
                             const jobs::SlurmResources& resources, const std::vector<std::string>& extra,
                             bool dryRun) {
    const train::TrainConfig config = train::TrainConfig::load(configPath);
    const std::string name = config.runName.empty() ? jobs::defaultRunName(config) : config.runName;
    const std::string project = fs::absolute(projectPath).string();
    std::vector<std::string> command{util::selfExecutable(), "train", "-p", project, "-c", ""};
    command.insert(command.end(), extra.begin(), extra.end());
    command.push_back("--resume"); // takes up the queued run (and, after a requeue, its checkpoint)
    jobs::SlurmResources r = resources;
    if (r.jobName == "gpo") r.jobName = name.rfind("gpo", 0) == 0 ? name : "gpo-" + name;
    for (char& ch : r.jobName)
        if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '-' && ch != '_' && ch != '.') ch = '_';
    if (dryRun) {
        command[5] = fs::absolute(configPath).string();
        return {{"ok", true}, {"script", jobs::sbatchScript(r, command, project + ".runs/slurm-%j.out")}};
    }
    Project p = Project::open(projectPath, OpenMode::Existing);
    nlohmann::json stored = config.toJson();
    const int64_t runId = queueRun(p, "training", name, stored);
    const fs::path dir = jobs::runFolder(project, runId);
    fs::create_directories(dir);
    fs::copy_file(configPath, dir / "run.json", fs::copy_options::overwrite_existing);
    command[5] = (dir / "run.json").string();
    const std::string script = jobs::sbatchScript(r, command, (dir / "slurm-%j.out").string());
    writeFile((dir / "slurm.sbatch").string(), [&](std::ostream& out) { out << script; });
    std::string jobId;
    try {
        jobId = jobs::submitSlurmScript((dir / "slurm.sbatch").string());
    } catch (const std::exception& e) {
        finishRun(p, runId, "failed", e.what());
        throw;
    }
    setRunSlurmJob(p, runId, jobId);
    return {{"ok", true},
            {"run_id", runId},
            {"run_name", name},
            {"slurm_job", jobId},
            {"script", (dir / "slurm.sbatch").string()}};
}

std::string fixed(double v, int digits) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.*f", digits, v);
    return buf;
}
} // namespace

void addTrain(CLI::App& app, Context& ctx, int& rc) {
    struct Args {
        std::string project, config, device;
        int64_t maxSteps = 0;
        int threads = 0, nproc = 1, timeout = 1800;
        bool resume = false, json = false, check = false;
        SlurmArgs slurm;
    };
    auto a = std::make_shared<Args>();
    auto* cmd = app.add_subcommand(
        "train", "Train a policy: DPO, IPO, KTO, SimPO or ORPO on pairs (GPO when they come "
                 "from critical steps), GRPO or PPO on a dataset's prompts (GPO: resets at critical steps)");
    cmd->add_option("--project,-p", a->project, "Project file")->required()->check(CLI::ExistingFile);
    cmd->add_option("--config,-c", a->config, "The run's config (run.json; see resources/presets)")
        ->required()
        ->check(CLI::ExistingFile);
    cmd->add_option("--max-steps", a->maxSteps, "Override the config's max_steps")
        ->check(CLI::PositiveNumber);
    cmd->add_flag("--resume", a->resume,
                  "Take up the newest unfinished run of this config from its checkpoint");
    cmd->add_flag("--check", a->check,
                  "Check the config against the project and report what the run would train on; run nothing");
    cmd->add_option("--device", a->device, "auto, cpu, cuda, cuda:N (overrides the config)");
    cmd->add_option("--threads", a->threads, "CPU threads for LibTorch (0: the config's, else one per core)");
    cmd->add_flag("--json", a->json, "Progress and metrics as JSON lines on stdout; the result last");
    cmd->add_option("--nproc", a->nproc,
                    "Data-parallel ranks to start on this machine (each with its share of the cores); "
                    "per_device_train_batch_size is each rank's, as in TRL")
        ->check(CLI::Range(1, 1024));
    cmd->add_option("--rendezvous-timeout", a->timeout,
                    "Seconds a rank waits for the others (at the start, and at each collective)")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    a->slurm.addTo(cmd, "the run");
    cmd->callback([a, &ctx, &rc] {
        rc = runCommand(a->json, [&] {
            if (a->slurm.wanted()) {
                std::vector<std::string> extra;
                if (a->maxSteps > 0) extra = {"--max-steps", std::to_string(a->maxSteps)};
                if (!a->device.empty()) extra.insert(extra.end(), {"--device", a->device});
                const auto j =
                    submitToSlurm(a->project, a->config, a->slurm.resources, extra, a->slurm.dryRun);
                if (a->json)
                    printJson(j);
                else if (a->slurm.dryRun)
                    std::cout << j["script"].get<std::string>();
                else
                    std::printf(
                        "run %lld queued as Slurm job %s (%s); gpo runs -p %s --slurm %lld follows it\n",
                        static_cast<long long>(j["run_id"].get<int64_t>()),
                        j["slurm_job"].get<std::string>().c_str(), j["script"].get<std::string>().c_str(),
                        a->project.c_str(), static_cast<long long>(j["run_id"].get<int64_t>()));
                return 0;
            }
            if (a->check) {
                Project project = Project::open(a->project, OpenMode::ReadOnly);
                jobs::TrainJobOptions o;
                o.registry = ctx.registry;
                if (a->maxSteps > 0) o.maxSteps = a->maxSteps;
                const auto j = jobs::checkTrainJob(project, train::TrainConfig::load(a->config), o);
                if (a->json)
                    printJson(j);
                else
                    std::printf("%s: run '%s' would train '%s' on %lld examples of '%s'\n", a->config.c_str(),
                                j["run_name"].get<std::string>().c_str(),
                                j["policy"].get<std::string>().c_str(),
                                static_cast<long long>(j["examples"].get<int64_t>()),
                                j.value("pairs", j.value("dataset", std::string())).c_str());
                return 0;
            }
            const auto stop = stopOnSignals();
            const auto distributed = train::DistributedEnv::fromEnvironment();
            if (a->nproc > 1 && !distributed) {
                std::vector<std::string> argv{util::selfExecutable()};
                for (const auto& arg : jobs::withoutOption(ctx.args, "--nproc"))
                    argv.push_back(arg);
                jobs::LocalRanksOptions lo;
                lo.nproc = a->nproc;
                lo.stopRequested = stop;
                lo.log = &std::cerr;
                return jobs::runLocalRanks(argv, lo);
            }
            const train::TrainConfig config = train::TrainConfig::load(a->config);
            const int threads = a->threads > 0 ? a->threads : config.threads;
            model::setCpuThreads(threads);
            Project project = Project::open(a->project, OpenMode::Existing);
            jobs::TrainJobOptions o;
            o.registry = ctx.registry;
            if (a->maxSteps > 0) o.maxSteps = a->maxSteps;
            o.resume = a->resume;
            o.device = a->device;
            o.cancelled = stop;
            if (distributed) {
                o.group = train::ProcessGroup::connect(*distributed, std::chrono::seconds(a->timeout));
                // Each rank of a node takes its own GPU, as torchrun's LOCAL_RANK means.
                const std::string d = a->device.empty() ? config.device : a->device;
                if (at::hasCUDA() && (d.empty() || d == "auto" || d == "cuda"))
                    o.device = "cuda:" + std::to_string(distributed->localRank);
            }
            const bool leader = !o.group || o.group->leader();
            o.progress = [&](const nlohmann::json& e) {
                if (a->json) {
                    printJson(e);
                    return;
                }
                if (e.value("event", "") == "stage") {
                    std::cerr << "gpo train: " << e.value("stage", "") << "\n";
                } else if (e.value("event", "") == "train" && e.contains("eval/pass@1")) {
                    std::fprintf(stderr, "step %lld/%lld  eval pass@1 %.3f on %.0f problems\n",
                                 static_cast<long long>(e.value("step", int64_t(0))),
                                 static_cast<long long>(e.value("max_steps", int64_t(0))),
                                 e.value("eval/pass@1", 0.0), e.value("eval/problems", 0.0));
                } else if (e.value("event", "") == "train" && e.contains("reward")) {
                    std::string extra;
                    if (e.contains("frac_reward_zero_std"))
                        extra += "  zero-std groups " + fixed(e.value("frac_reward_zero_std", 0.0), 2);
                    if (e.contains("objective/kl")) extra += "  kl " + fixed(e.value("objective/kl", 0.0), 4);
                    if (e.contains("gpo/resets"))
                        extra += "  resets " + fixed(e.value("gpo/resets", 0.0), 1) + " (" +
                                 fixed(e.value("gpo/reset_success", 0.0), 2) + " right)";
                    std::fprintf(stderr, "step %lld/%lld  loss %.4f  reward %.3f%s  lr %.2e\n",
                                 static_cast<long long>(e.value("step", int64_t(0))),
                                 static_cast<long long>(e.value("max_steps", int64_t(0))),
                                 e.value("loss", 0.0), e.value("reward", 0.0), extra.c_str(),
                                 e.value("learning_rate", 0.0));
                } else if (e.value("event", "") == "train") {
                    std::fprintf(
                        stderr, "step %lld/%lld  loss %.4f  margin %.4f  acc %.2f  lr %.2e  %.0f tok/s\n",
                        static_cast<long long>(e.value("step", int64_t(0))),
                        static_cast<long long>(e.value("max_steps", int64_t(0))), e.value("loss", 0.0),
                        e.value("rewards/margins", 0.0), e.value("rewards/accuracies", 0.0),
                        e.value("learning_rate", 0.0), e.value("tokens_per_s", 0.0));
                }
            };
            const jobs::TrainJobResult r = jobs::runTrainJob(project, config, o);
            if (!leader) return 0; // rank 0 reports the run
            nlohmann::json result = r.toJson();
            result["ok"] = true;
            if (a->json) {
                printJson(result);
            } else if (r.train.cancelled) {
                std::printf(
                    "run %lld stopped at step %lld of %lld; take it up with gpo train -p %s -c %s --resume\n",
                    static_cast<long long>(r.runId), static_cast<long long>(r.train.steps),
                    static_cast<long long>(r.train.maxSteps), a->project.c_str(), a->config.c_str());
            } else {
                std::printf(
                    "run %lld '%s': %lld steps on %lld examples of '%s' in %.1f s; policy '%s' at %s\n",
                    static_cast<long long>(r.runId), r.runName.c_str(), static_cast<long long>(r.train.steps),
                    static_cast<long long>(r.train.examples), r.pairSet.c_str(), r.train.seconds,
                    r.policyName.c_str(), r.policyPath.c_str());
                if (!r.bestPolicyName.empty())
                    std::printf("best %s %.4f at step %lld: policy '%s'\n",
                                r.train.best.value("metric", std::string()).c_str(),
                                r.train.best.value("value", 0.0),
                                static_cast<long long>(r.train.best.value("step", int64_t(0))),
                                r.bestPolicyName.c_str());
            }
            return 0;
        });
    });
}

} // namespace gpo::cli
