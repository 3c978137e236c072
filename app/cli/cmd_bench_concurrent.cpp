// gpo bench concurrent: an analysis and a training run started together, each against its time alone,
// and what the sharing of cores between jobs costs a job that runs alone.
#include "cli_common.h"
#include "util/child_process.h"
#include "util/resource_paths.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>
#include <thread>

namespace gpo::cli {
namespace {
namespace fs = std::filesystem;

struct Workload {
    std::string name;
    std::vector<std::string> args; ///< gpo's arguments, with {project} for the project's path
};

std::string tail(const std::string& path, size_t chars) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    const std::string text = s.str();
    return text.size() > chars ? text.substr(text.size() - chars) : text;
}

// Runs the workloads side by side, each on its own copy of the base project; returns their seconds.
std::vector<double> runTogether(const std::string& gpo, const fs::path& dir, const fs::path& base,
                                const std::vector<Workload>& workloads, bool share,
                                const std::string& label) {
    std::vector<util::ChildProcess> children;
    std::vector<std::string> logs;
    const auto start = std::chrono::steady_clock::now();
    for (const Workload& w : workloads) {
        const fs::path project = dir / (w.name + ".gpo");
        fs::remove(project);
        fs::copy_file(base, project);
        std::vector<std::string> argv{gpo};
        for (const auto& arg : w.args)
            argv.push_back(arg == "{project}" ? project.string() : arg);
        util::ChildOptions o;
        if (!share) o.env.emplace_back("GPO_SHARE_CORES", "0");
        logs.push_back((dir / (w.name + "-" + label + ".log")).string());
        o.stdoutFile = "/dev/null";
        o.stderrFile = logs.back();
        children.push_back(util::ChildProcess::start(argv, o));
    }
    std::vector<double> seconds(children.size(), 0);
    for (size_t done = 0; done < children.size();) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        for (size_t i = 0; i < children.size(); ++i) {
            if (seconds[i] > 0) continue;
            const auto rc = children[i].poll();
            if (!rc) continue;
            if (*rc != 0)
                throw std::runtime_error(workloads[i].name + " (" + label + ") failed with exit code " +
                                         std::to_string(*rc) + ":\n" + tail(logs[i], 2000));
            seconds[i] = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            ++done;
        }
    }
    std::cerr << "gpo bench concurrent: " << label << ":";
    for (size_t i = 0; i < workloads.size(); ++i)
        std::cerr << " " << workloads[i].name << " " << seconds[i] << " s";
    std::cerr << "\n";
    return seconds;
}

} // namespace

void addBenchConcurrent(CLI::App& bench, Context&, int& rc) {
    struct Args {
        int64_t problems = 20, k = 8, trainSteps = 60, repeats = 2;
        std::string workdir, preset;
        bool json = false, keep = false, unshared = false;
    };
    auto a = std::make_shared<Args>();
    auto* cmd = bench.add_subcommand(
        "concurrent", "Start an analysis and a training run together, and time each against its run "
                      "alone: the cores the jobs share. Also times each alone without sharing");
    cmd->add_option("--problems", a->problems, "demo-test problems of the project the jobs work on")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cmd->add_option("--rollouts,-k", a->k, "The analysis's rollouts per prefix")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cmd->add_option("--train-steps", a->trainSteps, "The DPO run's steps")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cmd->add_option("--repeats", a->repeats, "Times each measurement is taken (the fastest counts)")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cmd->add_option("--preset", a->preset, "The training run's config (default: the dpo preset)");
    cmd->add_flag("--unshared", a->unshared,
                  "Also start the two together with sharing off (GPO_SHARE_CORES=0): slow, it shows why");
    cmd->add_option("--workdir", a->workdir, "Where to put the projects (default: a temporary folder)");
    cmd->add_flag("--keep", a->keep, "Keep the projects and the jobs' logs");
    cmd->add_flag("--json", a->json, "Print the result as JSON (last line)");
    cmd->callback([a, &rc] {
        rc = runCommand(a->json, [&] {
            const std::string gpo = util::selfExecutable();
            std::string preset = a->preset;
            if (preset.empty()) {
                const auto presets = findSharedResource("presets");
                if (!presets)
                    throw std::runtime_error("the presets are not installed beside gpo; pass --preset");
                preset = (fs::path(*presets) / "dpo.json").string();
            }
            std::random_device rd;
            const fs::path dir = a->workdir.empty() ? fs::temp_directory_path() /
                                                          ("gpo-bench-concurrent-" + std::to_string(rd()))
                                                    : fs::path(a->workdir);
            fs::create_directories(dir);
            const fs::path base = dir / "base.gpo";
            fs::remove(base);
            const std::string n = std::to_string(a->problems);
            std::cerr << "gpo bench concurrent: building the demo project\n";
            util::ChildOptions quiet;
            quiet.stdoutFile = "/dev/null";
            quiet.stderrFile = (dir / "demo.log").string();
            auto demo = util::ChildProcess::start({gpo, "demo", "-p", base.string(), "--train", "0", "--test",
                                                   n, "--eval-problems", n, "--analysis-rollouts", "0"},
                                                  quiet);
            if (demo.wait() != 0)
                throw std::runtime_error("gpo demo failed:\n" + tail(quiet.stderrFile, 2000));

            const std::vector<Workload> jobs{
                {"analysis",
                 {"analyze", "-p", "{project}", "--dataset", "demo-test", "-k", std::to_string(a->k)}},
                {"train",
                 {"train", "-p", "{project}", "-c", preset, "--max-steps", std::to_string(a->trainSteps)}}};
            // Each job alone with sharing and without, in turn, so that the machine's drift over the
            // minutes falls on both alike; the fastest of the repeats counts (other tenants only add time).
            const auto fastest = [&](const std::vector<Workload>& w, bool share, const std::string& label) {
                std::vector<double> best;
                for (int64_t r = 0; r < a->repeats; ++r) {
                    const auto s = runTogether(gpo, dir, base, w, share, label);
                    if (best.empty()) best = s;
                    for (size_t i = 0; i < s.size(); ++i)
                        best[i] = std::min(best[i], s[i]);
                }
                return best;
            };
            double analysisAlone = 1e300, trainAlone = 1e300, analysisRaw = 1e300, trainRaw = 1e300;
            for (int64_t r = 0; r < a->repeats; ++r) {
                analysisAlone =
                    std::min(analysisAlone, runTogether(gpo, dir, base, {jobs[0]}, true, "alone")[0]);
                analysisRaw =
                    std::min(analysisRaw, runTogether(gpo, dir, base, {jobs[0]}, false, "alone-unshared")[0]);
                trainAlone = std::min(trainAlone, runTogether(gpo, dir, base, {jobs[1]}, true, "alone")[0]);
                trainRaw =
                    std::min(trainRaw, runTogether(gpo, dir, base, {jobs[1]}, false, "alone-unshared")[0]);
            }
            const auto together = fastest(jobs, true, "together");
            nlohmann::json j{{"ok", true},
                             {"cores", std::thread::hardware_concurrency()},
                             {"analysis",
                              {{"alone_s", analysisAlone},
                               {"alone_unshared_s", analysisRaw},
                               {"together_s", together[0]},
                               {"slowdown", together[0] / analysisAlone},
                               {"sharing_cost", analysisAlone / analysisRaw - 1}}},
                             {"train",
                              {{"alone_s", trainAlone},
                               {"alone_unshared_s", trainRaw},
                               {"together_s", together[1]},
                               {"slowdown", together[1] / trainAlone},
                               {"sharing_cost", trainAlone / trainRaw - 1}}},
                             {"floor", {{"slowdown_max", 2.5}, {"sharing_cost_max", 0.05}}}};
            if (a->unshared) {
                const auto raw = runTogether(gpo, dir, base, jobs, false, "together-unshared");
                j["analysis"]["together_unshared_s"] = raw[0];
                j["train"]["together_unshared_s"] = raw[1];
            }
            if (!a->keep && a->workdir.empty()) fs::remove_all(dir);
            printResult(a->json, j);
            return 0;
        });
    });
}

} // namespace gpo::cli
