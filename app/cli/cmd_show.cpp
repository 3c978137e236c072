#include "cli_common.h"
#include "store/analysis.h"
#include "store/queries.h"

#include <cstdio>
#include <iostream>

namespace gpo::cli {
namespace {

nlohmann::json analysisJson(const TrajectoryAnalysis& a) {
    nlohmann::json values = nlohmann::json::array();
    for (const auto& e : a.estimates) {
        nlohmann::json v{{"prefix", e.step}, {"k", e.k},          {"successes", e.successes},
                         {"value", e.value}, {"ci_low", e.ciLow}, {"ci_high", e.ciHigh}};
        v["advantage"] = e.advantage ? nlohmann::json(*e.advantage) : nlohmann::json();
        values.push_back(v);
    }
    // Picks are step numbers as people read them (1-based: step h follows prefix p_{h-1}).
    nlohmann::json picks = nlohmann::json::object();
    for (const auto& [selector, step] : a.picks)
        picks[selector] = step ? nlohmann::json(*step + 1) : nlohmann::json();
    return {{"run_id", a.runId}, {"values", values}, {"picks", picks}};
}

nlohmann::json rolloutJson(const StoredRollout& r) {
    nlohmann::json j{{"prefix", r.stepIdx}, {"index", r.sampleIdx}, {"seed", r.seed},    {"text", r.text},
                     {"reward", r.reward},  {"tokens", r.tokens},   {"finish", r.finish}};
    j["answer"] = r.answer ? nlohmann::json(*r.answer) : nlohmann::json();
    return j;
}

/// The steps each selector picked, as " ← abs-advantage, threshold".
std::string pickMarks(const TrajectoryAnalysis& a, int step) {
    std::string out;
    for (const auto& selector : a.pickedBy(step))
        out += (out.empty() ? "   ← " : ", ") + selector;
    return out;
}

} // namespace

void addShow(CLI::App& app, Context&, int& rc) {
    struct Args {
        std::string project;
        int64_t id = 0, run = 0;
        int rollouts = -1;
        bool json = false;
    };
    auto a = std::make_shared<Args>();
    auto* cmd =
        app.add_subcommand("show", "Show one trajectory: question, numbered steps, final answer, verdict");
    cmd->add_option("--project,-p", a->project, "Project file")->required();
    cmd->add_option("id", a->id, "Trajectory id (see gpo ls)")->required();
    cmd->add_option("--run", a->run, "Values and picks of this analysis run (default: the newest with it)");
    cmd->add_option("--rollouts", a->rollouts,
                    "Also list the rollouts behind prefix N (0: the question alone)");
    cmd->add_flag("--json", a->json, "Print a JSON result on stdout");
    cmd->callback([a, &rc] {
        rc = runCommand(a->json, [&] {
            auto project = Project::open(a->project, OpenMode::ReadOnly);
            auto d = loadTrajectory(project, a->id);
            if (!d) throw std::invalid_argument("no trajectory with id " + std::to_string(a->id));
            const auto& t = d->trajectory;
            const auto runId =
                a->run > 0 ? std::optional<int64_t>(a->run) : latestAnalysisRunFor(project, a->id);
            const auto analysis = runId ? loadAnalysis(project, *runId, a->id) : std::nullopt;
            std::vector<StoredRollout> rollouts;
            if (a->rollouts >= 0) {
                if (!runId)
                    throw std::invalid_argument("trajectory " + std::to_string(a->id) + " has no analysis");
                rollouts = rolloutsBehind(project, *runId, a->id, a->rollouts);
            }
            if (a->json) {
                nlohmann::json steps = nlohmann::json::array();
                for (size_t i = 0; i < t.steps.size(); ++i) {
                    nlohmann::json s{{"index", i},
                                     {"step", i + 1},
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
                j["analysis"] = analysis ? analysisJson(*analysis) : nlohmann::json();
                if (a->rollouts >= 0) {
                    j["rollouts"] = nlohmann::json::array();
                    for (const auto& r : rollouts)
                        j["rollouts"].push_back(rolloutJson(r));
                }
                printJson(j);
                return 0;
            }
            std::cout << "Trajectory " << d->id << " · " << d->dataset << " · " << t.source
                      << "\n\nQuestion:\n"
                      << d->problem.question << "\n\n";
            if (analysis)
                std::cout << "Analysis run " << analysis->runId
                          << ": V = value of the prefix before the step [95% interval], A = advantage\n";
            for (size_t i = 0; i < t.steps.size(); ++i) {
                if (const StepEstimate* e = analysis ? analysis->estimate(static_cast<int>(i)) : nullptr) {
                    char buf[96];
                    std::snprintf(buf, sizeof buf, "    V=%.2f [%.2f,%.2f] k=%lld", e->value, e->ciLow,
                                  e->ciHigh, static_cast<long long>(e->k));
                    std::cout << buf;
                    if (e->advantage) {
                        std::snprintf(buf, sizeof buf, "  A=%+.2f", *e->advantage);
                        std::cout << buf;
                    }
                    std::cout << '\n';
                }
                std::cout << "[" << (i + 1) << "] " << stepText(t, i);
                if (t.steps[i].label) std::cout << "   (rated " << *t.steps[i].label << ")";
                if (t.firstError && *t.firstError == static_cast<int>(i))
                    std::cout << "   ← first error (label)";
                if (analysis) std::cout << pickMarks(*analysis, static_cast<int>(i));
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
            if (a->rollouts >= 0) {
                std::cout << "\nRollouts from prefix " << a->rollouts << " (after " << a->rollouts
                          << " steps):\n";
                for (const auto& r : rollouts)
                    std::cout << "  #" << r.sampleIdx << " reward " << r.reward << ", answer "
                              << r.answer.value_or("(none)") << ": " << r.text << "\n";
            }
            return 0;
        });
    });
}

} // namespace gpo::cli
