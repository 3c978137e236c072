#include "cli_common.h"
#include "store/queries.h"

#include <iostream>

namespace gpo::cli {

void addStats(CLI::App& app, Context&, int& rc) {
    struct Args {
        std::string project;
        bool json = false;
    };
    auto a = std::make_shared<Args>();
    auto* cmd = app.add_subcommand(
        "stats", "Count problems, trajectories, steps and annotations, in total and per dataset");
    cmd->add_option("--project,-p", a->project, "Project file")->required();
    cmd->add_flag("--json", a->json, "Print a JSON result on stdout");
    cmd->callback([a, &rc] {
        rc = runCommand(a->json, [&] {
            auto project = Project::open(a->project, OpenMode::ReadOnly);
            const auto s = projectStats(project);
            if (a->json) {
                nlohmann::json per = nlohmann::json::object();
                for (const auto& d : s.datasets)
                    per[d.name] = {{"format", d.format},     {"verifier", d.verifier},
                                   {"problems", d.problems}, {"trajectories", d.trajectories},
                                   {"steps", d.steps},       {"annotations", d.annotations},
                                   {"verified", d.verified}, {"correct", d.correct}};
                printJson({{"ok", true},
                           {"problems", s.problems},
                           {"trajectories", s.trajectories},
                           {"steps", s.steps},
                           {"annotations", s.annotations},
                           {"datasets", per}});
                return 0;
            }
            std::printf("%-20s %9s %12s %10s %11s %9s\n", "dataset", "problems", "trajectories", "steps",
                        "annotations", "correct");
            for (const auto& d : s.datasets) {
                const std::string correct =
                    d.verified ? std::to_string(d.correct) + "/" + std::to_string(d.verified) : "-";
                std::printf("%-20.20s %9lld %12lld %10lld %11lld %9s\n", d.name.c_str(),
                            static_cast<long long>(d.problems), static_cast<long long>(d.trajectories),
                            static_cast<long long>(d.steps), static_cast<long long>(d.annotations),
                            correct.c_str());
            }
            std::printf("%-20s %9lld %12lld %10lld %11lld\n", "total", static_cast<long long>(s.problems),
                        static_cast<long long>(s.trajectories), static_cast<long long>(s.steps),
                        static_cast<long long>(s.annotations));
            return 0;
        });
    });
}

} // namespace gpo::cli
