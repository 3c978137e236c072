#include "cli_common.h"
#include "store/importer.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>

namespace gpo::cli {
namespace {

/// Writes `n` generic-JSONL trajectories of about `steps` steps each (~860 bytes a trajectory at 10 steps).
int64_t writeSyntheticTrajectories(const std::string& path, int64_t n, int steps, uint64_t seed) {
    static const char* words[] = {"the",      "total", "number",    "of",      "apples", "is",    "so",
                                  "we",       "add",   "then",      "each",    "box",    "holds", "more",
                                  "than",     "half",  "price",     "per",     "week",   "she",   "buys",
                                  "left",     "after", "twice",     "miles",   "hours",  "cost",  "dollars",
                                  "students", "pages", "remaining", "multiply"};
    std::mt19937_64 rng(seed);
    std::ofstream out(path, std::ios::binary);
    if (!out) throw std::runtime_error(path + ": cannot write");
    auto word = [&] { return words[rng() % (sizeof words / sizeof *words)]; };
    std::string line;
    for (int64_t i = 0; i < n; ++i) {
        nlohmann::json j;
        std::string problem;
        for (int w = 0; w < 30; ++w)
            problem += std::string(w ? " " : "") + word();
        problem += " " + std::to_string(rng() % 1000) + "?";
        j["id"] = "bench-" + std::to_string(i);
        j["problem"] = problem;
        const auto answer = static_cast<int64_t>(rng() % 100000);
        j["answer"] = std::to_string(answer);
        j["model"] = "bench";
        nlohmann::json list = nlohmann::json::array();
        const int k = steps - 2 + static_cast<int>(rng() % 5); // steps-2 … steps+2
        for (int s = 0; s < k; ++s) {
            std::string step;
            for (int w = 0; w < 7; ++w)
                step += std::string(w ? " " : "") + word();
            step += " " + std::to_string(rng() % 500) + " * " + std::to_string(rng() % 50) + " = " +
                    std::to_string(rng() % 25000) + ".";
            list.push_back(step);
        }
        list.push_back("The answer is " + std::to_string(answer) + ".");
        j["steps"] = list;
        line = j.dump();
        line += '\n';
        out.write(line.data(), static_cast<std::streamsize>(line.size()));
    }
    out.flush();
    if (!out) throw std::runtime_error(path + ": write failed");
    return static_cast<int64_t>(std::filesystem::file_size(path));
}

} // namespace

void addBench(CLI::App& app, Context& ctx, int& rc) {
    auto* bench = app.add_subcommand("bench", "Benchmarks with JSON output");
    bench->require_subcommand(1);
    addBenchGenerate(*bench, ctx, rc);
    addBenchTrain(*bench, ctx, rc);
    addBenchAnalyze(*bench, ctx, rc);
    addBenchAgreement(*bench, ctx, rc);
    addBenchStudy(*bench, ctx, rc);
    addBenchConcurrent(*bench, ctx, rc);
    struct Args {
        int64_t trajectories = 100000;
        int steps = 10;
        uint64_t seed = 1;
        std::string workdir;
        bool json = false, keep = false;
    };
    auto a = std::make_shared<Args>();
    auto* cmd = bench->add_subcommand(
        "import", "Generate a trajectories JSONL file and time importing it into a fresh project");
    cmd->add_option("--trajectories,-n", a->trajectories, "How many trajectories")
        ->check(CLI::PositiveNumber);
    cmd->add_option("--steps", a->steps, "Mean steps per trajectory")->check(CLI::Range(3, 1000));
    cmd->add_option("--seed", a->seed, "Generator seed");
    cmd->add_option("--workdir", a->workdir,
                    "Where to write the file and project (default: a temporary folder)");
    cmd->add_flag("--keep", a->keep, "Keep the generated file and project");
    cmd->add_flag("--json", a->json, "Print the result as JSON (last line)");
    cmd->callback([a, &ctx, &rc] {
        rc = runCommand(a->json, [&] {
            namespace fs = std::filesystem;
            fs::path dir = a->workdir.empty() ? fs::temp_directory_path() /
                                                    ("gpo-bench-import-" + std::to_string(::getpid()))
                                              : fs::path(a->workdir);
            fs::create_directories(dir);
            const std::string data = (dir / "trajectories.jsonl").string();
            const std::string projectPath = (dir / "bench.gpo").string();
            for (const char* suffix : {"", "-wal", "-shm"})
                fs::remove(projectPath + suffix);
            std::cerr << "writing " << a->trajectories << " trajectories to " << data << " …\n";
            const int64_t bytes = writeSyntheticTrajectories(data, a->trajectories, a->steps, a->seed);

            const auto t0 = std::chrono::steady_clock::now();
            auto project = Project::open(projectPath, OpenMode::Create);
            Importer importer(project, *ctx.registry);
            ImportOptions o;
            o.format = "jsonl";
            o.dataset = "bench";
            const ImportResult r = importer.importPath(data, o);
            const double seconds =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

            if (!a->keep) fs::remove_all(dir);
            nlohmann::json j{{"ok", true},
                             {"file_bytes", bytes},
                             {"steps", r.stepsAdded},
                             {"trajectories", r.trajectoriesAdded},
                             {"seconds", seconds},
                             {"trajectories_per_s", static_cast<double>(r.trajectoriesAdded) / seconds}};
            if (a->json)
                printJson(j);
            else
                std::cout << r.trajectoriesAdded << " trajectories (" << r.stepsAdded << " steps, "
                          << bytes / 1e6 << " MB) imported in " << seconds << " s\n";
            return 0;
        });
    });
}

} // namespace gpo::cli
