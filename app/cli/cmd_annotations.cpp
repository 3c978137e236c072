// gpo annotations: the people (and imported label sets) who annotate, their raw annotations as CSV or
// JSON, and datasets' existing human labels brought in as annotators.
#include "cli_common.h"
#include "store/annotations.h"
#include "store/label_import.h"
#include "store/studies.h"
#include "store/study_export.h"

#include <cstdio>
#include <fstream>
#include <iostream>

namespace gpo::cli {
namespace {

void addAnnotators(CLI::App& group, int& rc) {
    struct Args {
        std::string project;
        bool json = false;
    };
    auto a = std::make_shared<Args>();
    auto* cmd = group.add_subcommand("annotators", "List the annotators and how many annotations each made");
    cmd->add_option("--project,-p", a->project, "Project file")->required()->check(CLI::ExistingFile);
    cmd->add_flag("--json", a->json, "Print a JSON result on stdout");
    cmd->callback([a, &rc] {
        rc = runCommand(a->json, [&] {
            Project project = Project::open(a->project, OpenMode::ReadOnly);
            nlohmann::json list = nlohmann::json::array();
            for (const auto& x : listAnnotators(project))
                list.push_back({{"name", x.name}, {"kind", x.kind}, {"annotations", x.annotations}});
            if (a->json) {
                printJson({{"ok", true}, {"annotators", list}});
                return 0;
            }
            for (const auto& x : list)
                std::printf("%-30s %-14s %8lld\n", x["name"].get<std::string>().c_str(),
                            x["kind"].get<std::string>().c_str(),
                            static_cast<long long>(x["annotations"].get<int64_t>()));
            return 0;
        });
    });
}

void addExportAnnotations(CLI::App& group, int& rc) {
    struct Args {
        std::string project, study, format = "csv", output;
    };
    auto a = std::make_shared<Args>();
    auto* cmd =
        group.add_subcommand("export", "Write the raw annotations (of one study, or all) as CSV or JSON");
    cmd->add_option("--project,-p", a->project, "Project file")->required()->check(CLI::ExistingFile);
    cmd->add_option("--study", a->study, "Only this study's annotations");
    cmd->add_option("--format,-f", a->format, "csv or json")
        ->check(CLI::IsMember({"csv", "json"}))
        ->capture_default_str();
    cmd->add_option("--output,-o", a->output, "File to write (default: standard output)");
    cmd->callback([a, &rc] {
        rc = runCommand(false, [&] {
            Project project = Project::open(a->project, OpenMode::ReadOnly);
            std::optional<int64_t> studyId;
            if (!a->study.empty()) studyId = requireStudy(project, a->study).id;
            std::ofstream file;
            if (!a->output.empty()) {
                file.open(a->output, std::ios::binary | std::ios::trunc);
                if (!file) throw std::runtime_error(a->output + ": cannot write");
            }
            std::ostream& out = a->output.empty() ? std::cout : file;
            if (a->format == "json")
                out << annotationsJson(project, studyId).dump(1) << '\n';
            else
                writeAnnotationsCsv(project, studyId, out);
            out.flush();
            if (!out)
                throw std::runtime_error((a->output.empty() ? "standard output" : a->output) +
                                         ": write failed");
            return 0;
        });
    });
}

void addImportLabels(CLI::App& group, int& rc) {
    struct Args {
        std::string project;
        std::vector<std::string> datasets;
        bool json = false;
    };
    auto a = std::make_shared<Args>();
    auto* cmd = group.add_subcommand(
        "import-labels", "Bring a dataset's human labels in as an annotator named after it: PRM800K "
                         "step ratings (the first step rated -1 is the critical one) and "
                         "ProcessBench earliest-error labels");
    cmd->add_option("--project,-p", a->project, "Project file")->required()->check(CLI::ExistingFile);
    cmd->add_option("datasets", a->datasets, "Datasets of the project")->required();
    cmd->add_flag("--json", a->json, "Print a JSON result on stdout");
    cmd->callback([a, &rc] {
        rc = runCommand(a->json, [&] {
            Project project = Project::open(a->project);
            nlohmann::json imported = nlohmann::json::array();
            for (const auto& d : a->datasets)
                imported.push_back(importDatasetLabels(project, d).toJson());
            printResult(a->json, {{"ok", true}, {"imported", imported}});
            return 0;
        });
    });
}

} // namespace

void addAnnotations(CLI::App& app, Context&, int& rc) {
    auto* group =
        app.add_subcommand("annotations", "Annotators, raw annotations (CSV/JSON), imported human labels");
    group->require_subcommand(1);
    addAnnotators(*group, rc);
    addExportAnnotations(*group, rc);
    addImportLabels(*group, rc);
}

} // namespace gpo::cli
