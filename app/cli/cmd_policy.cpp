// gpo policy: the policies a project knows (add, list, choose the default).
#include "cli_common.h"
#include "model/checkpoint_report.h"
#include "model/policy.h"
#include "policy_args.h"

#include <iostream>

namespace gpo::cli {
namespace {

nlohmann::json entryJson(const PolicyEntry& p) {
    return {{"id", p.id}, {"name", p.name}, {"path", p.path}, {"default", p.isDefault}};
}

} // namespace

void addPolicy(CLI::App& app, Context&, int& rc) {
    struct Args {
        std::string project, name, path;
        bool makeDefault = false, json = false;
    };
    auto a = std::make_shared<Args>();
    auto* cmd = app.add_subcommand("policy", "The policies of a project: add, ls, default");
    cmd->require_subcommand(1);
    auto common = [&a](CLI::App* sub) {
        sub->add_option("--project,-p", a->project, "Project file")->required()->check(CLI::ExistingFile);
        sub->add_flag("--json", a->json, "Print the result as JSON");
    };
    auto* add = cmd->add_subcommand("add", "Register a checkpoint folder under a name");
    common(add);
    add->add_option("--name", a->name, "Policy name")->required();
    add->add_option("--path", a->path, "Checkpoint folder (config.json, *.safetensors, tokenizer.json)")
        ->required()
        ->check(CLI::ExistingDirectory);
    add->add_flag("--default", a->makeDefault, "Make it the project's default policy");
    auto* ls = cmd->add_subcommand("ls", "List the project's policies");
    common(ls);
    auto* def = cmd->add_subcommand("default", "Make a registered policy the default");
    common(def);
    def->add_option("name", a->name, "Policy name")->required();

    auto print = [a](const nlohmann::json& j, const std::string& text) {
        if (a->json)
            printJson(j);
        else
            std::cout << text;
    };
    add->callback([a, &rc, print] {
        rc = runCommand(a->json, [&] {
            Project project = Project::open(a->project);
            // Loading refuses a folder that is not a usable checkpoint, naming the file and key.
            const auto policy = model::Policy::load(a->path, {"cpu", "auto"});
            const nlohmann::json report = model::checkpointReport(*policy);
            const PolicyEntry p = registerPolicy(project, a->name, a->path, a->makeDefault);
            const std::string text = model::checkpointReportText(report);
            print({{"ok", true}, {"policy", entryJson(p)}, {"checkpoint", report}, {"report_text", text}},
                  "registered " + p.name + " -> " + p.path + "\n" + text);
            return 0;
        });
    });
    ls->callback([a, &rc, print] {
        rc = runCommand(a->json, [&] {
            Project project = Project::open(a->project, OpenMode::ReadOnly);
            nlohmann::json list = nlohmann::json::array();
            std::string text;
            for (const PolicyEntry& p : listPolicies(project)) {
                list.push_back(entryJson(p));
                text += (p.isDefault ? "* " : "  ") + p.name + "  " + p.path + "\n";
            }
            print({{"ok", true}, {"policies", list}}, text);
            return 0;
        });
    });
    def->callback([a, &rc, print] {
        rc = runCommand(a->json, [&] {
            Project project = Project::open(a->project);
            const auto p = findPolicy(project, a->name);
            if (!p) throw std::invalid_argument("no policy named '" + a->name + "' in the project");
            const PolicyEntry d = registerPolicy(project, p->name, p->path, true);
            print({{"ok", true}, {"policy", entryJson(d)}}, "default policy: " + d.name + "\n");
            return 0;
        });
    });
}

} // namespace gpo::cli
