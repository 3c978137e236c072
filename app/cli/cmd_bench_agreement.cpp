// gpo bench agreement: reading a ratings table and computing every agreement statistic with bootstrap
// intervals, on a synthetic study the size of a large one (10,000 trajectories x 5 annotators).
#include "cli_common.h"
#include "stats/reliability.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <unistd.h>

namespace gpo::cli {
namespace {

/// Annotators who pick a unit's critical step (0-9) right with probability 0.6, one step off with 0.2,
/// anywhere otherwise, and leave 5% of cells empty.
void writeSyntheticRatings(const std::string& path, int64_t units, int64_t raters, uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> u01(0, 1);
    std::ofstream out(path, std::ios::binary);
    if (!out) throw std::runtime_error(path + ": cannot write");
    out << "unit,rater,value\n";
    for (int64_t u = 0; u < units; ++u) {
        const auto truth = static_cast<int64_t>(rng() % 10);
        for (int64_t r = 0; r < raters; ++r) {
            const double x = u01(rng);
            out << "t" << u << ",annotator" << r << ",";
            if (x < 0.05) {
                out << "NA\n";
                continue;
            }
            int64_t v = truth;
            if (x > 0.85)
                v = static_cast<int64_t>(rng() % 10);
            else if (x > 0.65)
                v = std::clamp<int64_t>(truth + (rng() % 2 ? 1 : -1), 0, 9);
            out << v << "\n";
        }
    }
    if (!out.flush()) throw std::runtime_error(path + ": write failed");
}

} // namespace

void addBenchAgreement(CLI::App& bench, Context&, int& rc) {
    struct Args {
        int64_t units = 10000, raters = 5;
        stats::BootstrapOptions resampling;
        std::string workdir;
        bool json = false;
    };
    auto a = std::make_shared<Args>();
    auto* cmd = bench.add_subcommand("agreement", "Time agreement statistics (with bootstrap intervals) on a "
                                                  "synthetic study of units x annotators");
    cmd->add_option("--units", a->units, "Units (trajectories)")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cmd->add_option("--raters", a->raters, "Annotators")->check(CLI::Range(2, 1000))->capture_default_str();
    cmd->add_option("--bootstrap", a->resampling.bootstrap, "Resamples for the intervals")
        ->capture_default_str();
    cmd->add_option("--workdir", a->workdir, "Where to write the ratings CSV (default: a temporary folder)");
    cmd->add_flag("--json", a->json, "Print a JSON result on stdout");
    cmd->callback([a, &rc] {
        rc = runCommand(a->json, [&] {
            namespace fs = std::filesystem;
            const fs::path dir =
                a->workdir.empty()
                    ? fs::temp_directory_path() / ("gpo-bench-agreement-" + std::to_string(::getpid()))
                    : fs::path(a->workdir);
            fs::create_directories(dir);
            const std::string csv = (dir / "ratings.csv").string();
            writeSyntheticRatings(csv, a->units, a->raters, 1);
            using Clock = std::chrono::steady_clock;
            const auto t0 = Clock::now();
            const stats::Ratings ratings = stats::readRatingsCsv(csv);
            const auto t1 = Clock::now();
            const stats::Reliability r = stats::reliability(ratings, a->resampling);
            const auto t2 = Clock::now();
            if (a->workdir.empty()) fs::remove_all(dir);
            const auto seconds = [](auto d) { return std::chrono::duration<double>(d).count(); };
            nlohmann::json j = {{"ok", true},
                                {"units", a->units},
                                {"raters", a->raters},
                                {"bootstrap", a->resampling.bootstrap},
                                {"read_seconds", seconds(t1 - t0)},
                                {"statistics_seconds", seconds(t2 - t1)},
                                {"seconds", seconds(t2 - t0)},
                                {"result", r.toJson()}};
            printResult(a->json, j);
            return 0;
        });
    });
}

} // namespace gpo::cli
