#include "cli_common.h"
#include "data/input_files.h"
#include "store/importer.h"
#include "util/text.h"

#include <filesystem>
#include <iostream>

namespace gpo::cli {
namespace {

/// Removes the project it names when destroyed before any file was imported (the first import failed).
struct EmptyProjectGuard {
    std::string path;
    const nlohmann::json& imported;
    ~EmptyProjectGuard() {
        if (!path.empty() && imported.empty()) removeProjectFiles(path);
    }
};

struct ImportArgs {
    std::string project, format, dataset, segmenter = "newline";
    int minStepChars = 0, maxSteps = 0;
    bool skipBad = false, json = false;
    std::vector<std::string> files;
};

nlohmann::json resultJson(const ImportResult& r) {
    nlohmann::json skipped = nlohmann::json::array();
    for (const auto& e : r.skipped)
        skipped.push_back(errorJson(e));
    return {{"path", r.path},
            {"dataset", r.dataset},
            {"records", r.records},
            {"problems_added", r.problemsAdded},
            {"trajectories_added", r.trajectoriesAdded},
            {"steps_added", r.stepsAdded},
            {"duplicates", r.duplicates},
            {"answers_linked", r.answersLinked},
            {"skipped", skipped}};
}

} // namespace

void addImport(CLI::App& app, Context& ctx, int& rc) {
    auto a = std::make_shared<ImportArgs>();
    auto* cmd =
        app.add_subcommand("import", "Import dataset files into a project (created when it does not exist)");
    std::vector<std::string> formats;
    for (const auto* r : ctx.registry->readers())
        formats.push_back(r->name());
    cmd->add_option("--project,-p", a->project, "Project file")->required();
    cmd->add_option("--format,-f", a->format, "Input format")->required()->check(CLI::IsMember(formats));
    cmd->add_option("--dataset,-d", a->dataset, "Dataset name (default: the format's name)");
    cmd->add_option("--segmenter", a->segmenter,
                    "How responses are split into steps: newline, paragraph, step-marker");
    cmd->add_option("--min-step-chars", a->minStepChars, "Merge steps shorter than this into the next one")
        ->check(CLI::NonNegativeNumber);
    cmd->add_option("--max-steps", a->maxSteps, "Fold steps past this count into the last one (0: no limit)")
        ->check(CLI::NonNegativeNumber);
    cmd->add_flag("--skip-bad", a->skipBad,
                  "Import the good records and report the bad ones (default: a bad record fails its file)");
    cmd->add_flag("--json", a->json, "Print a JSON result on stdout");
    cmd->add_option("files", a->files,
                    "Files, folders (the format's files in them, recursively) or quoted globs ('data/*.csv')")
        ->required();
    cmd->callback([a, &ctx, &rc] {
        nlohmann::json files = nlohmann::json::array();
        // A project this import creates and fills with nothing is not left behind.
        std::error_code ec;
        const bool creating = !std::filesystem::exists(a->project, ec);
        rc = runCommand(a->json, [&] {
            // Declared first, so it runs after the project is closed.
            EmptyProjectGuard guard{creating ? a->project : std::string(), files};
            auto project = Project::open(a->project, OpenMode::Create);
            Importer importer(project, *ctx.registry);
            ImportOptions o;
            o.format = a->format;
            o.dataset = a->dataset;
            o.segmenter = a->segmenter;
            o.segment.minChars = a->minStepChars;
            o.segment.maxSteps = a->maxSteps;
            o.skipBad = a->skipBad;
            int64_t records = 0, problems = 0, trajectories = 0, skipped = 0;
            std::vector<std::string> inputs;
            for (const auto& path : a->files)
                for (auto& f : inputFiles(path, ctx.registry->requireReader(a->format)))
                    inputs.push_back(std::move(f));
            for (const auto& f : inputs) {
                ImportResult r;
                try {
                    r = importer.importPath(f, o);
                } catch (...) {
                    if (a->json && !files.empty()) std::cerr << "gpo: files before this one were imported\n";
                    throw;
                }
                records += r.records;
                problems += r.problemsAdded;
                trajectories += r.trajectoriesAdded;
                skipped += static_cast<int64_t>(r.skipped.size());
                files.push_back(resultJson(r));
                if (!a->json) {
                    std::cout << f << " → dataset '" << r.dataset
                              << "': " << text::counted(r.records, "record") << "; added "
                              << text::counted(r.problemsAdded, "problem") << ", "
                              << text::counted(r.trajectoriesAdded, "trajectory", "trajectories") << " ("
                              << text::counted(r.stepsAdded, "step") << "); " << r.duplicates
                              << " already present";
                    if (r.answersLinked) std::cout << "; " << r.answersLinked << " reference answers linked";
                    std::cout << '\n';
                    for (size_t i = 0; i < r.skipped.size() && i < 20; ++i)
                        std::cout << "  skipped: " << r.skipped[i].what() << '\n';
                    if (r.skipped.size() > 20)
                        std::cout << "  … and " << r.skipped.size() - 20 << " more skipped\n";
                }
            }
            if (a->json)
                printJson({{"ok", true},
                           {"project", a->project},
                           {"files", files},
                           {"records", records},
                           {"problems_added", problems},
                           {"trajectories_added", trajectories},
                           {"skipped", skipped}});
            return 0;
        });
    });
}

} // namespace gpo::cli
