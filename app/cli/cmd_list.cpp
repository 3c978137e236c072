#include "cli_common.h"
#include "store/queries.h"

#include <algorithm>
#include <iostream>

namespace gpo::cli {

namespace {
struct ListArgs {
    std::string project;
    FilterArgs filter;
    bool json = false;
    int64_t limit = 50, offset = 0;
};

nlohmann::json rowJson(const TrajectoryRow& r) {
    nlohmann::json j{{"id", r.id},         {"problem_id", r.problemId}, {"dataset", r.dataset},
                     {"source", r.source}, {"steps", r.steps},          {"question", r.questionStart}};
    j["correct"] = r.correct ? nlohmann::json(*r.correct) : nlohmann::json();
    j["final_answer"] = r.finalAnswer;
    j["first_error"] = r.firstError ? nlohmann::json(*r.firstError) : nlohmann::json();
    return j;
}
} // namespace

void FilterArgs::addTo(CLI::App* cmd) {
    cmd->add_option("--dataset,-d", dataset, "Only this dataset");
    cmd->add_option("--text,-t", text, "Only those whose question or response contains this text (any case)");
    cmd->add_option("--source", source, "Only this source ('reference' or a model name)");
    cmd->add_flag("--correct", correct, "Only verified-correct trajectories");
    cmd->add_flag("--incorrect", incorrect, "Only verified-wrong trajectories");
    cmd->add_flag("--unverified", unverified, "Only trajectories not verified yet");
}

TrajectoryFilter FilterArgs::filter() const {
    if (correct + incorrect + unverified > 1)
        throw std::invalid_argument("give at most one of --correct, --incorrect, --unverified");
    TrajectoryFilter f;
    f.dataset = dataset;
    f.text = text;
    f.source = source;
    f.correctness = correct      ? Correctness::Correct
                    : incorrect  ? Correctness::Incorrect
                    : unverified ? Correctness::Unverified
                                 : Correctness::Any;
    return f;
}

void addList(CLI::App& app, Context&, int& rc) {
    auto a = std::make_shared<ListArgs>();
    auto* cmd = app.add_subcommand("ls", "List trajectories (filter by dataset, verdict, text, source)");
    cmd->add_option("--project,-p", a->project, "Project file")->required();
    a->filter.addTo(cmd);
    cmd->add_option("--limit,-n", a->limit, "At most this many rows (0: all)")->check(CLI::NonNegativeNumber);
    cmd->add_option("--offset", a->offset, "Skip this many rows first")->check(CLI::NonNegativeNumber);
    cmd->add_flag("--json", a->json, "Print a JSON result on stdout");
    cmd->callback([a, &rc] {
        rc = runCommand(a->json, [&] {
            auto project = Project::open(a->project, OpenMode::ReadOnly);
            const auto filter = a->filter.filter();
            const auto ids = trajectoryIds(project, filter);
            const size_t begin = std::min(ids.size(), static_cast<size_t>(a->offset));
            const size_t end =
                a->limit == 0 ? ids.size() : std::min(ids.size(), begin + static_cast<size_t>(a->limit));
            const auto rows =
                trajectoryRows(project, std::vector<int64_t>(ids.begin() + static_cast<long>(begin),
                                                             ids.begin() + static_cast<long>(end)));
            if (a->json) {
                nlohmann::json list = nlohmann::json::array();
                for (const auto& r : rows)
                    list.push_back(rowJson(r));
                printJson({{"ok", true}, {"total", ids.size()}, {"offset", begin}, {"trajectories", list}});
                return 0;
            }
            // Columns as wide as their longest entry (up to 32), so no name is cut.
            int datasetWidth = 7, sourceWidth = 6;
            for (const auto& r : rows) {
                datasetWidth = std::max(datasetWidth, std::min(32, static_cast<int>(r.dataset.size())));
                sourceWidth = std::max(sourceWidth, std::min(32, static_cast<int>(r.source.size())));
            }
            std::printf("%7s  %-*s  %-*s  %5s  %-7s  %s\n", "id", datasetWidth, "dataset", sourceWidth,
                        "source", "steps", "verdict", "question");
            for (const auto& r : rows) {
                std::string q = r.questionStart.substr(0, 60);
                for (char& c : q)
                    if (c == '\n') c = ' ';
                std::printf("%7lld  %-*.*s  %-*.*s  %5lld  %-7s  %s\n", static_cast<long long>(r.id),
                            datasetWidth, datasetWidth, r.dataset.c_str(), sourceWidth, sourceWidth,
                            r.source.c_str(), static_cast<long long>(r.steps),
                            !r.correct   ? "-"
                            : *r.correct ? "right"
                                         : "wrong",
                            q.c_str());
            }
            std::cout << rows.size() << " of " << ids.size() << " trajectories\n";
            return 0;
        });
    });
}

} // namespace gpo::cli
