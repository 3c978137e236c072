#include "cli_common.h"
#include "store/exporter.h"

#include <filesystem>
#include <fstream>
#include <iostream>

namespace gpo::cli {

void addExport(CLI::App& app, Context&, int& rc) {
    struct Args {
        std::string project, format = "jsonl", output;
        FilterArgs filter;
        bool json = false;
    };
    auto a = std::make_shared<Args>();
    auto* cmd = app.add_subcommand("export", "Write trajectories as generic JSONL (re-importable) or CSV");
    cmd->add_option("--project,-p", a->project, "Project file")->required();
    cmd->add_option("--format,-f", a->format, "jsonl or csv")->check(CLI::IsMember({"jsonl", "csv"}));
    cmd->add_option("--output,-o", a->output, "Output file (default: stdout)");
    a->filter.addTo(cmd);
    cmd->add_flag("--json", a->json, "Print a JSON summary on stdout (needs --output)");
    cmd->callback([a, &rc] {
        rc = runCommand(a->json, [&] {
            if (a->json && a->output.empty())
                throw std::invalid_argument("--json needs --output (stdout carries the data)");
            auto project = Project::open(a->project, OpenMode::ReadOnly);
            const auto filter = a->filter.filter();
            int64_t n = 0;
            if (a->output.empty()) {
                n = a->format == "csv" ? exportCsv(project, filter, std::cout)
                                       : exportJsonl(project, filter, std::cout);
            } else {
                // Write beside the target and rename, so a failed export never leaves half a file.
                const std::string tmp = a->output + ".part";
                {
                    std::ofstream out(tmp, std::ios::binary);
                    if (!out) throw std::runtime_error(a->output + ": cannot write");
                    n = a->format == "csv" ? exportCsv(project, filter, out)
                                           : exportJsonl(project, filter, out);
                    out.flush();
                    if (!out) throw std::runtime_error(a->output + ": write failed");
                }
                std::filesystem::rename(tmp, a->output);
            }
            if (a->json)
                printJson({{"ok", true}, {"output", a->output}, {"format", a->format}, {"trajectories", n}});
            else if (!a->output.empty())
                std::cerr << n << " trajectories written to " << a->output << '\n';
            return 0;
        });
    });
}

} // namespace gpo::cli
