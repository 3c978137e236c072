// gpo merge: fold analysis shard files into their project.
#include "cli_common.h"
#include "store/shard_file.h"

namespace gpo::cli {

void addMerge(CLI::App& app, Context& ctx, int& rc) {
    struct Args {
        std::string project;
        std::vector<std::string> files;
        bool json = false;
    };
    auto a = std::make_shared<Args>();
    auto* cmd = app.add_subcommand("merge", "Fold the result files of gpo analyze --shard into the project "
                                            "(idempotent: a file merged twice adds nothing)");
    cmd->add_option("--project,-p", a->project, "Project file")->required()->check(CLI::ExistingFile);
    cmd->add_option("files", a->files, "Shard result files")->required();
    cmd->add_flag("--json", a->json, "Print a JSON result on stdout");
    cmd->callback([a, &ctx, &rc] {
        rc = runCommand(a->json, [&] {
            Project project = Project::open(a->project);
            nlohmann::json j = mergeShards(project, *ctx.registry, a->files).toJson();
            j["ok"] = true;
            printResult(a->json, j);
            return 0;
        });
    });
}

} // namespace gpo::cli
