#include "cli_common.h"
#include "store/queries.h"

#include <iostream>

namespace gpo::cli {

void addShow(CLI::App& app, Context&, int& rc) {
    struct Args {
        std::string project;
        int64_t id = 0;
        bool json = false;
    };
    auto a = std::make_shared<Args>();
    auto* cmd =
        app.add_subcommand("show", "Show one trajectory: question, numbered steps, final answer, verdict");
    cmd->add_option("--project,-p", a->project, "Project file")->required();
    cmd->add_option("id", a->id, "Trajectory id (see gpo ls)")->required();
    cmd->add_flag("--json", a->json, "Print a JSON result on stdout");
    cmd->callback([a, &rc] {
        rc = runCommand(a->json, [&] {
            auto project = Project::open(a->project, OpenMode::ReadOnly);
            auto d = loadTrajectory(project, a->id);
            if (!d) throw std::invalid_argument("no trajectory with id " + std::to_string(a->id));
            const auto& t = d->trajectory;
            if (a->json) {
                nlohmann::json steps = nlohmann::json::array();
                for (size_t i = 0; i < t.steps.size(); ++i) {
                    nlohmann::json s{{"index", i},
                                     {"text", std::string(stepText(t, i))},
                                     {"begin", t.steps[i].begin},
                                     {"end", t.steps[i].end}};
                    s["label"] = t.steps[i].label ? nlohmann::json(*t.steps[i].label) : nlohmann::json();
                    steps.push_back(s);
                }
                nlohmann::json j{{"ok", true},
                                 {"id", d->id},
                                 {"problem_id", d->problemId},
                                 {"dataset", d->dataset},
                                 {"source_id", d->problem.sourceId},
                                 {"question", d->problem.question},
                                 {"reference_answer", d->problem.answer},
                                 {"answer_from", d->answerFrom},
                                 {"verifier", d->verifier},
                                 {"source", t.source},
                                 {"response", t.response},
                                 {"steps", steps},
                                 {"final_answer", d->finalAnswer}};
                j["correct"] = d->correct ? nlohmann::json(*d->correct) : nlohmann::json();
                j["first_error"] = t.firstError ? nlohmann::json(*t.firstError) : nlohmann::json();
                j["label_correct"] = t.labeledCorrect ? nlohmann::json(*t.labeledCorrect) : nlohmann::json();
                printJson(j);
                return 0;
            }
            std::cout << "Trajectory " << d->id << " · " << d->dataset << " · " << t.source
                      << "\n\nQuestion:\n"
                      << d->problem.question << "\n\n";
            for (size_t i = 0; i < t.steps.size(); ++i) {
                std::cout << "[" << (i + 1) << "] " << stepText(t, i);
                if (t.steps[i].label) std::cout << "   (rated " << *t.steps[i].label << ")";
                if (t.firstError && *t.firstError == static_cast<int>(i))
                    std::cout << "   ← first error (label)";
                std::cout << '\n';
            }
            std::cout << "\nReference answer: " << (d->problem.answer.empty() ? "(none)" : d->problem.answer);
            if (!d->answerFrom.empty()) std::cout << " (from " << d->answerFrom << ")";
            std::cout << "\nFinal answer: " << (d->finalAnswer.empty() ? "(not verified)" : d->finalAnswer)
                      << "\nVerdict: "
                      << (!d->correct   ? "not verified (gpo verify)"
                          : *d->correct ? "right"
                                        : "wrong")
                      << '\n';
            return 0;
        });
    });
}

} // namespace gpo::cli
