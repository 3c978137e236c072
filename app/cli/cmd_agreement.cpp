// gpo agreement: how often each selector's pick matches labelled first errors and people's picks; or,
// with --ratings, the inter-rater reliability of any ratings table a user brings.
#include "cli_common.h"
#include "stats/agreement.h"
#include "stats/reliability.h"
#include "store/agreement_report.h"
#include "store/studies.h"
#include "store/study_export.h"

#include <cstdio>
#include <fstream>

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

std::string numberText(const nlohmann::json& v) {
    if (!v.is_number()) return "-";
    char text[32];
    std::snprintf(text, sizeof text, "%.3f", v.get<double>());
    return text;
}

std::string withInterval(const nlohmann::json& value, const nlohmann::json& ci) {
    return numberText(value) +
           (ci.is_array() ? " [" + numberText(ci[0]) + ", " + numberText(ci[1]) + "]" : "");
}

void printReport(const nlohmann::json& report) {
    if (const auto& b = report["between_annotators"]; b.is_object()) {
        std::printf("Between %lld annotators over %lld trajectories:\n",
                    static_cast<long long>(b["n_raters"].get<int64_t>()),
                    static_cast<long long>(b["n_units"].get<int64_t>()));
        for (const auto& [key, name] :
             {std::pair<const char*, const char*>{"percent_agreement", "percent agreement"},
              {"cohen_kappa", "Cohen's kappa"},
              {"fleiss_kappa", "Fleiss' kappa"},
              {"alpha_nominal", "alpha (nominal)"},
              {"alpha_interval", "alpha (interval)"}})
            std::printf("%-18s %s\n", name, withInterval(b[key], b["ci95"][key]).c_str());
        std::printf("\n");
    }
    if (const auto& c = report["advantage_vs_people"]; c["spearman_abs_advantage"].is_number())
        std::printf("Spearman's rho of |A_h| with the share of people picking step h: %.3f (A_h: %s) over "
                    "%lld steps of %lld trajectories\n\n",
                    c["spearman_abs_advantage"].get<double>(), numberText(c["spearman_advantage"]).c_str(),
                    static_cast<long long>(c["steps"].get<int64_t>()),
                    static_cast<long long>(c["trajectories"].get<int64_t>()));
    const auto& rows = report["comparisons"];
    if (rows.empty()) {
        std::printf(
            "No trajectory has both a pick and a label (run gpo analyze on labelled trajectories).\n");
        return;
    }
    std::printf("%-18s %-30s %6s %19s %9s %9s %8s %7s\n", "selector", "labels", "n", "exact [95% CI]",
                "within 1", "within 2", "|offset|", "PB F1");
    auto table = [](const nlohmann::json& r, const std::string& labels) {
        std::printf("%-18s %-30s %6lld %19s %9.3f %9.3f %8s %7s\n", r["selector"].get<std::string>().c_str(),
                    labels.c_str(), static_cast<long long>(r["n"].get<int64_t>()),
                    withInterval(r["exact"], r["ci95"]["exact"]).c_str(), r["within_1"].get<double>(),
                    r["within_2"].get<double>(), numberText(r["mean_abs_offset"]).c_str(),
                    numberText(r["processbench_f1"]).c_str());
    };
    for (const auto& r : rows)
        table(r, r["labels"].get<std::string>());
    for (const auto& r : report["people_vs_model"])
        table(r, "all people");
}

/// The GPO paper's table: per trajectory people answered, the share whose pick matched each selector's.
void printPerTrajectory(const nlohmann::json& report) {
    const auto& rows = report["per_trajectory"];
    if (rows.empty()) {
        std::printf("\nNo trajectory has people's answers.\n");
        return;
    }
    std::vector<std::string> selectors;
    for (const auto& r : report["people_vs_model"])
        selectors.push_back(r["selector"].get<std::string>());
    std::printf("\n%-12s %-18s %6s %7s %-10s", "trajectory", "dataset", "steps", "people", "most picked");
    for (const auto& s : selectors)
        std::printf(" %16s", ("= " + s).c_str());
    std::printf("\n");
    for (const auto& r : rows) {
        const std::string modal =
            r["modal_step"].is_number() ? "step " + std::to_string(r["modal_step"].get<int>()) : "none";
        std::printf(
            "%-12lld %-18s %6lld %7lld %-10s", static_cast<long long>(r["trajectory_id"].get<int64_t>()),
            r.value("dataset", std::string()).c_str(), static_cast<long long>(r.value("steps", int64_t(0))),
            static_cast<long long>(r["people"].get<int64_t>()), modal.c_str());
        for (const auto& s : selectors)
            std::printf(" %16s", numberText(r["match"].value(s, nlohmann::json())).c_str());
        std::printf("\n");
    }
}

} // namespace

void addAgreement(CLI::App& app, Context&, int& rc) {
    struct Args {
        std::string project, ratings, study, dataset, csv, latex, output;
        std::vector<std::string> annotators;
        int minSteps = 0, maxSteps = 0;
        int64_t run = 0;
        stats::BootstrapOptions resampling;
        bool json = false, perTrajectory = false;
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
    cmd->add_option("--study", a->study, "Only this study's annotations and trajectories");
    cmd->add_option("--dataset,-d", a->dataset, "Only trajectories of this dataset");
    cmd->add_option("--min-steps", a->minSteps, "Only trajectories with at least this many steps");
    cmd->add_option("--max-steps", a->maxSteps, "Only trajectories with at most this many steps");
    cmd->add_option("--annotator", a->annotators, "Only these annotators (repeat or comma-separate)")
        ->delimiter(',');
    cmd->add_option("--csv", a->csv, "Also write every statistic to this CSV file (long form)");
    cmd->add_option("--latex", a->latex, "Also write a LaTeX table (booktabs) to this file");
    cmd->add_option("--output,-o", a->output, "Also write the whole report as JSON to this file");
    cmd->add_flag("--per-trajectory", a->perTrajectory,
                  "Also print, per trajectory people answered, the share whose pick matched each selector's "
                  "(the GPO paper's table)");
    cmd->add_flag("--json", a->json, "Print a JSON result on stdout");
    cmd->callback([a, &rc] {
        rc = runCommand(a->json, [&] {
            if (!a->ratings.empty()) return printReliability(a->ratings, a->resampling, a->json);
            if (a->project.empty()) throw std::invalid_argument("give --project or --ratings");
            Project project = Project::open(a->project, OpenMode::ReadOnly);
            ReportOptions options;
            options.resampling = a->resampling;
            if (a->run > 0) options.runId = a->run;
            if (!a->study.empty()) options.filter.studyId = requireStudy(project, a->study).id;
            if (!a->dataset.empty()) requireDataset(project, a->dataset);
            options.filter.dataset = a->dataset;
            options.filter.minSteps = a->minSteps;
            options.filter.maxSteps = a->maxSteps;
            options.filter.annotators = a->annotators;
            nlohmann::json report = agreementReport(project, options);
            if (!a->csv.empty()) writeFile(a->csv, [&](std::ostream& out) { writeReportCsv(report, out); });
            if (!a->latex.empty())
                writeFile(a->latex,
                          [&](std::ostream& out) { out << reportLatex(report, reportCaption(a->study)); });
            if (!a->output.empty())
                writeFile(a->output, [&](std::ostream& out) { out << report.dump(1) << '\n'; });
            if (a->json) {
                report["ok"] = true;
                printJson(report);
                return 0;
            }
            printReport(report);
            if (a->perTrajectory) printPerTrajectory(report);
            return 0;
        });
    });
}

} // namespace gpo::cli
