// gpo agreement: how often each selector's pick matches labelled first errors and people's picks; or,
// with --ratings, the inter-rater reliability of any ratings table a user brings.
#include "cli_common.h"
#include "stats/agreement.h"
#include "stats/reliability.h"
#include "store/agreement_data.h"

#include <cstdio>

namespace gpo::cli {
namespace {

void printReliabilityTable(const stats::Reliability& r);

int printReliability(const std::string& path, const stats::BootstrapOptions& options, bool json) {
    const stats::Ratings ratings = stats::readRatingsCsv(path);
    const stats::Reliability r = stats::reliability(ratings, options);
    if (json) {
        nlohmann::json j = r.toJson();
        j["ok"] = true;
        j["ratings"] = path;
        j["numeric"] = ratings.numeric();
        j["bootstrap"] = options.bootstrap;
        printJson(j);
        return 0;
    }
    std::printf("%lld units (%lld with two or more values), %lld raters, %lld values%s\n",
                static_cast<long long>(r.units), static_cast<long long>(r.pairableUnits),
                static_cast<long long>(r.raters), static_cast<long long>(r.values),
                ratings.numeric() ? "" : " (categories: no interval alpha)");
    printReliabilityTable(r);
    return 0;
}

void printReliabilityTable(const stats::Reliability& r) {
    const std::pair<const char*, const stats::Estimate*> rows[] = {{"percent agreement", &r.percentAgreement},
                                                                   {"Cohen's kappa", &r.cohenKappa},
                                                                   {"Fleiss' kappa", &r.fleissKappa},
                                                                   {"alpha (nominal)", &r.alphaNominal},
                                                                   {"alpha (interval)", &r.alphaInterval}};
    for (const auto& [name, e] : rows) {
        if (!e->value) {
            std::printf("%-18s %8s\n", name, "-");
        } else if (e->low) {
            std::printf("%-18s %8.3f  [%.3f, %.3f]\n", name, *e->value, *e->low, *e->high);
        } else {
            std::printf("%-18s %8.3f\n", name, *e->value);
        }
    }
}

} // namespace

void addAgreement(CLI::App& app, Context&, int& rc) {
    struct Args {
        std::string project, ratings;
        int64_t run = 0;
        stats::BootstrapOptions resampling;
        bool json = false;
    };
    auto a = std::make_shared<Args>();
    auto* cmd = app.add_subcommand(
        "agreement", "Compare every selector's picks with the project's labels: labelled first errors "
                     "(ProcessBench, PRM800K, planted errors) and people's annotations");
    cmd->add_option("--project,-p", a->project, "Project file")->check(CLI::ExistingFile);
    cmd->add_option("--ratings", a->ratings,
                    "Instead of a project: a CSV ratings table (columns unit,rater,value; empty or NA = "
                    "missing) to rate with percent agreement, Cohen's and Fleiss' kappa and Krippendorff's "
                    "alpha")
        ->check(CLI::ExistingFile)
        ->excludes("--project");
    cmd->add_option("--bootstrap", a->resampling.bootstrap,
                    "Resamples of units for the 95% intervals (0: none)")
        ->capture_default_str();
    cmd->add_option("--seed", a->resampling.seed, "Seed of the bootstrap")->capture_default_str();
    cmd->add_option("--run", a->run, "Picks of this analysis run (default: each trajectory's newest)");
    cmd->add_flag("--json", a->json, "Print a JSON result on stdout");
    cmd->callback([a, &rc] {
        rc = runCommand(a->json, [&] {
            if (!a->ratings.empty()) return printReliability(a->ratings, a->resampling, a->json);
            if (a->project.empty()) throw std::invalid_argument("give --project or --ratings");
            Project project = Project::open(a->project, OpenMode::ReadOnly);
            const auto picks =
                selectorPicks(project, a->run > 0 ? std::optional<int64_t>(a->run) : std::nullopt);
            const auto sets = labelSets(project);
            nlohmann::json bySelector = nlohmann::json::object(), rows = nlohmann::json::array();
            for (const auto& [selector, chosen] : picks) {
                for (const auto& set : sets) {
                    const stats::Agreement measured = stats::agreement(chosen, set.labels, a->resampling);
                    if (measured.n == 0) continue;
                    const nlohmann::json s = measured.toJson();
                    bySelector[selector][set.name] = s;
                    nlohmann::json row = s;
                    row["selector"] = selector;
                    row["labels"] = set.name;
                    row["kind"] = set.kind;
                    rows.push_back(row);
                }
            }
            nlohmann::json labelInfo = nlohmann::json::array();
            for (const auto& set : sets)
                labelInfo.push_back({{"name", set.name}, {"kind", set.kind}, {"n", set.labels.size()}});
            const auto people = betweenAnnotators(sets, a->resampling);
            const auto runId = a->run > 0 ? std::optional<int64_t>(a->run) : std::nullopt;
            const AdvantagePickCorrelation correlation = advantagePickCorrelation(project, sets, runId);
            if (a->json) {
                printJson({{"ok", true},
                           {"run_id", a->run > 0 ? nlohmann::json(a->run) : nlohmann::json()},
                           {"selectors", bySelector},
                           {"comparisons", rows},
                           {"label_sets", labelInfo},
                           {"between_annotators", people ? people->toJson() : nlohmann::json()},
                           {"advantage_vs_people", correlation.toJson()}});
                return 0;
            }
            if (people) {
                std::printf("Between %lld annotators over %lld trajectories:\n",
                            static_cast<long long>(people->raters), static_cast<long long>(people->units));
                printReliabilityTable(*people);
                std::printf("\n");
            }
            if (correlation.absAdvantage)
                std::printf(
                    "Spearman's rho of |A_h| with the share of people picking step h: %.3f (A_h: %.3f) over "
                    "%lld steps of %lld trajectories\n\n",
                    *correlation.absAdvantage, correlation.advantage.value_or(0.0),
                    static_cast<long long>(correlation.steps),
                    static_cast<long long>(correlation.trajectories));
            if (rows.empty()) {
                std::printf("No trajectory has both a pick and a label (run gpo analyze on labelled "
                            "trajectories).\n");
                return 0;
            }
            std::printf("%-18s %-30s %6s %19s %9s %9s %8s %7s\n", "selector", "labels", "n", "exact [95% CI]",
                        "within 1", "within 2", "|offset|", "PB F1");
            auto number = [](const nlohmann::json& v) {
                if (v.is_null()) return std::string("-");
                char text[32];
                std::snprintf(text, sizeof text, "%.3f", v.get<double>());
                return std::string(text);
            };
            for (const auto& r : rows) {
                const auto& ci = r["ci95"]["exact"];
                const std::string exact =
                    number(r["exact"]) +
                    (ci.is_null() ? "" : " [" + number(ci[0]) + ", " + number(ci[1]) + "]");
                std::printf("%-18s %-30s %6lld %19s %9.3f %9.3f %8s %7s\n",
                            r["selector"].get<std::string>().c_str(), r["labels"].get<std::string>().c_str(),
                            static_cast<long long>(r["n"].get<int64_t>()), exact.c_str(),
                            r["within_1"].get<double>(), r["within_2"].get<double>(),
                            number(r["mean_abs_offset"]).c_str(), number(r["processbench_f1"]).c_str());
            }
            return 0;
        });
    });
}

} // namespace gpo::cli
