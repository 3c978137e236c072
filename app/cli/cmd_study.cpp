// gpo study: user studies of critical steps — create one from a template over chosen trajectories, list
// them and their annotators' progress, record an answer, export packs for annotators elsewhere and merge
// returned packs.
#include "cli_common.h"
#include "store/annotations.h"
#include "store/studies.h"
#include "store/study_pack.h"

#include <cstdio>

namespace gpo::cli {
namespace {

nlohmann::json studyJson(Project& project, const Study& s) {
    nlohmann::json progress = nlohmann::json::array();
    auto add = [&](const std::string& name, const StudyProgress& p) {
        progress.push_back({{"annotator", name},
                            {"assigned", p.assigned},
                            {"answered", p.answered},
                            {"skipped", p.skipped},
                            {"seconds", p.seconds}});
    };
    // The planned annotators, then anyone else who has worked on the study.
    const auto& planned = s.config.annotators;
    for (const auto& name : planned)
        add(name, studyProgress(project, s, name));
    for (const auto& a : listAnnotators(project))
        if (a.kind == "human" && std::find(planned.begin(), planned.end(), a.name) == planned.end()) {
            const auto p = studyProgress(project, s, a.name);
            if (p.answered + p.skipped > 0) add(a.name, p);
        }
    return {{"id", s.id},
            {"name", s.name},
            {"trajectories", s.items},
            {"config", s.config.toJson()},
            {"created_at", s.createdAt},
            {"annotators", progress}};
}

void addCreate(CLI::App& study, int& rc) {
    struct Args {
        std::string project, name, templateName = "critical-step", instructions;
        FilterArgs filter;
        std::vector<int64_t> ids;
        std::vector<std::string> annotators;
        size_t sample = 0;
        int overlap = 0;
        uint64_t seed = 1;
        bool noShuffle = false, open = false, stepLabels = false, noStepLabels = false, json = false;
    };
    auto a = std::make_shared<Args>();
    auto* cmd = study.add_subcommand("create", "Create a study over the trajectories the filters select");
    cmd->add_option("--project,-p", a->project, "Project file")->required()->check(CLI::ExistingFile);
    cmd->add_option("name", a->name, "The study's name")->required();
    cmd->add_option("--template", a->templateName,
                    "paper (the GPO paper's protocol: one most critical step per solution, blind) or "
                    "critical-step (with confidence, per-step labels and notes)")
        ->capture_default_str();
    a->filter.addTo(cmd);
    cmd->add_option("--ids", a->ids, "Only these trajectory ids (comma-separated)")->delimiter(',');
    cmd->add_option("--sample", a->sample, "Draw this many of the selected trajectories at random (--seed)");
    cmd->add_option("--annotators", a->annotators,
                    "Planned annotators (comma-separated); others may still join and see everything")
        ->delimiter(',');
    cmd->add_option("--overlap", a->overlap,
                    "How many of the planned annotators see each trajectory (0: all of them)")
        ->check(CLI::NonNegativeNumber);
    cmd->add_option("--seed", a->seed, "Seed of the sample and of each annotator's order")
        ->capture_default_str();
    cmd->add_flag("--no-shuffle", a->noShuffle, "Everyone sees the trajectories in id order");
    cmd->add_flag("--open", a->open, "Not blind: show model values and picks before the annotator answers");
    cmd->add_flag("--step-labels", a->stepLabels, "Ask for good/neutral/bad per step");
    cmd->add_flag("--no-step-labels", a->noStepLabels, "Do not ask for per-step labels");
    cmd->add_option("--instructions", a->instructions,
                    "Instructions shown to annotators (default: the template's)");
    cmd->add_flag("--json", a->json, "Print a JSON result on stdout");
    cmd->callback([a, &rc] {
        rc = runCommand(a->json, [&] {
            Project project = Project::open(a->project);
            StudyConfig config = studyTemplate(a->templateName);
            config.annotators = a->annotators;
            config.overlap = a->overlap;
            config.seed = a->seed;
            config.shuffle = !a->noShuffle;
            config.blind = !a->open;
            if (a->stepLabels) config.stepLabels = true;
            if (a->noStepLabels) config.stepLabels = false;
            if (!a->instructions.empty()) config.instructions = a->instructions;
            TrajectoryFilter filter = a->filter.filter();
            filter.ids = a->ids;
            if (!filter.dataset.empty()) requireDataset(project, filter.dataset);
            std::vector<int64_t> ids = trajectoryIds(project, filter);
            if (a->sample > 0) ids = seededSample(ids, a->sample, a->seed);
            if (ids.empty()) throw std::invalid_argument("no trajectory matches the filters");
            createStudy(project, a->name, config, ids);
            for (const auto& name : config.annotators)
                ensureAnnotator(project, name);
            nlohmann::json j = studyJson(project, requireStudy(project, a->name));
            j["ok"] = true;
            printResult(a->json, j);
            return 0;
        });
    });
}

void addStudyList(CLI::App& study, int& rc) {
    struct Args {
        std::string project, name;
        bool json = false;
    };
    auto a = std::make_shared<Args>();
    auto* cmd =
        study.add_subcommand("ls", "List the project's studies, or one study's annotators and progress");
    cmd->add_option("--project,-p", a->project, "Project file")->required()->check(CLI::ExistingFile);
    cmd->add_option("name", a->name, "Only this study");
    cmd->add_flag("--json", a->json, "Print a JSON result on stdout");
    cmd->callback([a, &rc] {
        rc = runCommand(a->json, [&] {
            Project project = Project::open(a->project, OpenMode::ReadOnly);
            std::vector<Study> studies =
                a->name.empty() ? listStudies(project) : std::vector<Study>{requireStudy(project, a->name)};
            nlohmann::json list = nlohmann::json::array();
            for (const auto& s : studies)
                list.push_back(studyJson(project, s));
            if (a->json) {
                printJson({{"ok", true}, {"studies", list}});
                return 0;
            }
            if (list.empty()) std::printf("No studies (make one with gpo study create).\n");
            for (const auto& s : list) {
                const auto& c = s["config"];
                std::printf("%s: %lld trajectories, %s, %s%s\n", s["name"].get<std::string>().c_str(),
                            static_cast<long long>(s["trajectories"].get<int64_t>()),
                            c["protocol"].get<std::string>().c_str(),
                            c["blind"].get<bool>() ? "blind" : "open",
                            c["overlap"].get<int>() > 0
                                ? (", overlap " + std::to_string(c["overlap"].get<int>())).c_str()
                                : "");
                for (const auto& p : s["annotators"])
                    std::printf("  %-20s %5lld / %-5lld answered, %lld skipped, %.0f s\n",
                                p["annotator"].get<std::string>().c_str(),
                                static_cast<long long>(p["answered"].get<int64_t>()),
                                static_cast<long long>(p["assigned"].get<int64_t>()),
                                static_cast<long long>(p["skipped"].get<int64_t>()),
                                p["seconds"].get<double>());
            }
            return 0;
        });
    });
}

void addAnswer(CLI::App& study, int& rc) {
    struct Args {
        std::string project, name, annotator, note, labels;
        int64_t trajectory = 0;
        int step = 0, confidence = 0;
        double seconds = 0;
        bool none = false, skip = false, json = false;
    };
    auto a = std::make_shared<Args>();
    auto* cmd = study.add_subcommand("answer", "Record one annotator's answer for one trajectory of a study "
                                               "(what the studio's annotation mode does, for scripts)");
    cmd->add_option("--project,-p", a->project, "Project file")->required()->check(CLI::ExistingFile);
    cmd->add_option("name", a->name, "The study")->required();
    cmd->add_option("--annotator", a->annotator, "Who answers")->required();
    cmd->add_option("--trajectory", a->trajectory, "Trajectory id")->required();
    auto* step = cmd->add_option("--step", a->step, "The most critical step (1-based, as shown)");
    auto* none = cmd->add_flag("--none", a->none, "There is no single critical step");
    auto* skip = cmd->add_flag("--skip", a->skip, "Pass over it");
    step->excludes(none)->excludes(skip);
    none->excludes(skip);
    cmd->add_option("--labels", a->labels,
                    "Per-step labels, one character a step: + good, 0 neutral, - bad, . none");
    cmd->add_option("--confidence", a->confidence, "1 (a guess) to 5 (sure)")->check(CLI::Range(1, 5));
    cmd->add_option("--note", a->note, "A note");
    cmd->add_option("--seconds", a->seconds, "Time spent")->check(CLI::NonNegativeNumber);
    cmd->add_flag("--json", a->json, "Print a JSON result on stdout");
    cmd->callback([a, &rc] {
        rc = runCommand(a->json, [&] {
            if (a->step == 0 && !a->none && !a->skip)
                throw std::invalid_argument("give --step, --none or --skip");
            Project project = Project::open(a->project);
            const Study s = requireStudy(project, a->name);
            const auto queue = annotatorQueue(s, studyItems(project, s.id), a->annotator);
            if (std::find(queue.begin(), queue.end(), a->trajectory) == queue.end())
                throw std::invalid_argument("trajectory " + std::to_string(a->trajectory) + " is not among " +
                                            a->annotator + "'s trajectories of study '" + s.name + "'");
            Annotation n;
            n.annotatorId = ensureAnnotator(project, a->annotator);
            n.trajectoryId = a->trajectory;
            n.studyId = s.id;
            if (a->step != 0) n.criticalStep = a->step - 1;
            n.noSingleStep = a->none;
            n.skipped = a->skip;
            for (char c : a->labels) {
                if (c == '+')
                    n.stepLabels.push_back(StepRating::Good);
                else if (c == '0')
                    n.stepLabels.push_back(StepRating::Neutral);
                else if (c == '-')
                    n.stepLabels.push_back(StepRating::Bad);
                else if (c == '.')
                    n.stepLabels.push_back(std::nullopt);
                else
                    throw std::invalid_argument(std::string("--labels: '") + c + "' is not one of + 0 - .");
            }
            if (a->confidence) n.confidence = a->confidence;
            n.note = a->note;
            n.seconds = a->seconds;
            saveAnnotation(project, n);
            printResult(a->json, {{"ok", true},
                                  {"study", s.name},
                                  {"annotator", a->annotator},
                                  {"trajectory_id", a->trajectory}});
            return 0;
        });
    });
}

void addExportPack(CLI::App& study, int& rc) {
    struct Args {
        std::string project, name, output, annotator;
        bool json = false;
    };
    auto a = std::make_shared<Args>();
    auto* cmd =
        study.add_subcommand("export", "Write a study pack: a file an annotator opens in the studio "
                                       "on another machine (a blind study's pack holds no model values)");
    cmd->add_option("--project,-p", a->project, "Project file")->required()->check(CLI::ExistingFile);
    cmd->add_option("name", a->name, "The study")->required();
    cmd->add_option("--output,-o", a->output, "The pack to write (a new file)")->required();
    cmd->add_option("--annotator", a->annotator, "A pack for this annotator (holds only their answers)");
    cmd->add_flag("--json", a->json, "Print a JSON result on stdout");
    cmd->callback([a, &rc] {
        rc = runCommand(a->json, [&] {
            Project project = Project::open(a->project);
            const Study s = requireStudy(project, a->name);
            nlohmann::json j =
                exportStudyPack(project, s, a->output,
                                a->annotator.empty() ? std::nullopt
                                                     : std::optional<std::string>(a->annotator))
                    .toJson();
            j["ok"] = true;
            j["pack"] = a->output;
            printResult(a->json, j);
            return 0;
        });
    });
}

void addMergePacks(CLI::App& study, int& rc) {
    struct Args {
        std::string project;
        std::vector<std::string> packs;
        bool json = false;
    };
    auto a = std::make_shared<Args>();
    auto* cmd =
        study.add_subcommand("merge", "Merge the annotations of returned study packs (the newer answer "
                                      "wins; merging twice adds nothing)");
    cmd->add_option("--project,-p", a->project, "Project file")->required()->check(CLI::ExistingFile);
    cmd->add_option("packs", a->packs, "Pack files")->required()->check(CLI::ExistingFile);
    cmd->add_flag("--json", a->json, "Print a JSON result on stdout");
    cmd->callback([a, &rc] {
        rc = runCommand(a->json, [&] {
            Project project = Project::open(a->project);
            nlohmann::json merged = nlohmann::json::array();
            for (const auto& pack : a->packs) {
                nlohmann::json j = mergeStudyPack(project, pack).toJson();
                j["pack"] = pack;
                merged.push_back(j);
            }
            printResult(a->json, {{"ok", true}, {"merged", merged}});
            return 0;
        });
    });
}

} // namespace

void addStudy(CLI::App& app, Context&, int& rc) {
    auto* study =
        app.add_subcommand("study", "User studies: create, list, answer, export packs, merge packs");
    study->require_subcommand(1);
    addCreate(*study, rc);
    addStudyList(*study, rc);
    addAnswer(*study, rc);
    addExportPack(*study, rc);
    addMergePacks(*study, rc);
}

} // namespace gpo::cli
