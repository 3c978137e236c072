// gpo pairs: preference data for training. Build GPO pairs from an analysis run's critical steps (and
// the random-reset and whole-trajectory baselines by the same code), list the sets, export them to TRL's
// preference or KTO JSONL, and import pairs made elsewhere.
#include "cli_common.h"
#include "train/gpo_pairs.h"

#include <cstdio>
#include <iostream>

namespace gpo::cli {
namespace {

nlohmann::json setJson(const PairSet& s) {
    return {{"name", s.name},
            {"kind", s.kind},
            {"pairs", s.pairs},
            {"unpaired", s.unpaired},
            {"config", s.config},
            {"report", s.report},
            {"tokens_sampled", s.tokensSampled},
            {"created_at", s.createdAt}};
}

void addBuild(CLI::App& group, int& rc) {
    struct Args {
        std::string project, name, from = "gpo", selector, rejected = "own", dataset, policy, source;
        int64_t run = 0, perPrefix = 1;
        bool json = false;
    };
    auto a = std::make_shared<Args>();
    auto* cmd =
        group.add_subcommand("build", "Build a pair set: gpo (critical-step resets), random-reset, or whole");
    cmd->add_option("--project,-p", a->project, "Project file")->required()->check(CLI::ExistingFile);
    cmd->add_option("name", a->name, "Name of the new pair set")->required();
    cmd->add_option("--from", a->from, "gpo, random-reset or whole")
        ->check(CLI::IsMember({"gpo", "random-reset", "whole"}))
        ->capture_default_str();
    cmd->add_option("--run", a->run,
                    "The analysis run whose picks and rollouts to use (default: the newest finished)");
    cmd->add_option("--selector", a->selector,
                    "Whose critical step (gpo: abs-advantage; random-reset: random)");
    cmd->add_option(
           "--rejected", a->rejected,
           "own: the failed trajectory's continuation; sampled: a failed rollout from the same prefix")
        ->check(CLI::IsMember({"own", "sampled"}))
        ->capture_default_str();
    cmd->add_option("--per-prefix", a->perPrefix, "Pairs per failed trajectory at most")
        ->check(CLI::PositiveNumber);
    cmd->add_option("--dataset,-d", a->dataset, "whole: the dataset whose problems to pair up");
    cmd->add_option("--policy", a->policy,
                    "whole: the policy whose prompt format to use (default: the default)");
    cmd->add_option("--source", a->source, "whole: whose answers (default: the policy's name)");
    cmd->add_flag("--json", a->json, "Print a JSON result on stdout");
    cmd->callback([a, &rc] {
        rc = runCommand(a->json, [&] {
            Project project = Project::open(a->project, OpenMode::Existing);
            nlohmann::json options{
                {"from", a->from}, {"rejected", a->rejected}, {"per_prefix", a->perPrefix}};
            if (a->run > 0) options["run"] = a->run;
            if (!a->selector.empty()) options["selector"] = a->selector;
            if (!a->dataset.empty()) options["dataset"] = a->dataset;
            if (!a->policy.empty()) options["policy"] = a->policy;
            if (!a->source.empty()) options["source"] = a->source;
            if (a->from == "whole")
                for (const char* key : {"rejected", "per_prefix"})
                    options.erase(key);
            const PairSet set = train::buildPairSet(project, a->name, options, "gpo pairs build");
            nlohmann::json result = setJson(set);
            if (a->json) {
                result["ok"] = true;
                printJson(result);
                return 0;
            }
            std::printf("pair set '%s': %lld pairs from %lld considered, %lld sampled tokens\n",
                        a->name.c_str(), static_cast<long long>(set.pairs),
                        static_cast<long long>(set.report.value("considered", 0)),
                        static_cast<long long>(set.tokensSampled));
            for (const auto& [why, n] : set.report["dropped"].items())
                std::printf("  dropped %lld: %s\n", static_cast<long long>(n.get<int64_t>()), why.c_str());
            return 0;
        });
    });
}

void addPairsList(CLI::App& group, int& rc) {
    struct Args {
        std::string project;
        bool json = false;
    };
    auto a = std::make_shared<Args>();
    auto* cmd = group.add_subcommand(
        "ls", "List the pair sets, with their provenance and what building them dropped");
    cmd->add_option("--project,-p", a->project, "Project file")->required()->check(CLI::ExistingFile);
    cmd->add_flag("--json", a->json, "Print a JSON result on stdout");
    cmd->callback([a, &rc] {
        rc = runCommand(a->json, [&] {
            Project project = Project::open(a->project, OpenMode::ReadOnly);
            const auto sets = listPairSets(project);
            if (a->json) {
                nlohmann::json list = nlohmann::json::array();
                for (const auto& s : sets)
                    list.push_back(setJson(s));
                printJson({{"ok", true}, {"pair_sets", list}});
                return 0;
            }
            if (sets.empty()) std::printf("No pair sets yet (gpo pairs build or gpo pairs import).\n");
            for (const auto& s : sets)
                std::printf("%-24s %-13s %7lld pairs %7lld unpaired %10lld sampled tokens\n", s.name.c_str(),
                            s.kind.c_str(), static_cast<long long>(s.pairs),
                            static_cast<long long>(s.unpaired), static_cast<long long>(s.tokensSampled));
            return 0;
        });
    });
}

void addExport(CLI::App& group, int& rc) {
    struct Args {
        std::string project, name, format = "preference", output;
    };
    auto a = std::make_shared<Args>();
    auto* cmd =
        group.add_subcommand("export", "Write a pair set as TRL's preference JSONL or KTO's unpaired JSONL");
    cmd->add_option("--project,-p", a->project, "Project file")->required()->check(CLI::ExistingFile);
    cmd->add_option("name", a->name, "The pair set")->required();
    cmd->add_option("--format,-f", a->format,
                    "preference (prompt, chosen, rejected) or kto (prompt, completion, label)")
        ->capture_default_str();
    cmd->add_option("--output,-o", a->output, "File to write (default: standard output)");
    cmd->callback([a, &rc] {
        rc = runCommand(false, [&] {
            Project project = Project::open(a->project, OpenMode::ReadOnly);
            const PairFormat format = pairFormat(a->format);
            const auto pairs = loadPairs(project, requirePairSet(project, a->name).id);
            int64_t rows = 0;
            if (a->output.empty())
                rows = writePairsJsonl(pairs, format, std::cout);
            else
                writeFile(a->output, [&](std::ostream& out) { rows = writePairsJsonl(pairs, format, out); });
            std::cerr << rows << " rows written\n";
            return 0;
        });
    });
}

void addImport(CLI::App& group, int& rc) {
    struct Args {
        std::string project, name;
        std::vector<std::string> files;
        bool json = false;
    };
    auto a = std::make_shared<Args>();
    auto* cmd = group.add_subcommand("import", "Import TRL preference or KTO JSONL as a new pair set");
    cmd->add_option("--project,-p", a->project, "Project file")->required()->check(CLI::ExistingFile);
    cmd->add_option("name", a->name, "Name of the new pair set")->required();
    cmd->add_option("files", a->files, "JSONL files")->required()->check(CLI::ExistingFile);
    cmd->add_flag("--json", a->json, "Print a JSON result on stdout");
    cmd->callback([a, &rc] {
        rc = runCommand(a->json, [&] {
            Project project = Project::open(a->project, OpenMode::Existing);
            std::vector<PreferencePair> pairs; // every file is read before anything is stored
            for (const auto& f : a->files) {
                auto more = readPairsJsonl(f);
                pairs.insert(pairs.end(), std::make_move_iterator(more.begin()),
                             std::make_move_iterator(more.end()));
            }
            const int64_t added = storePairSet(project, a->name, "imported", {{"files", a->files}}, pairs);
            nlohmann::json result = setJson(requirePairSet(project, a->name));
            result["duplicates"] = static_cast<int64_t>(pairs.size()) - added;
            if (a->json) {
                result["ok"] = true;
                printJson(result);
                return 0;
            }
            std::printf("pair set '%s': %lld pairs, %lld unpaired (%lld duplicates left out)\n",
                        a->name.c_str(), static_cast<long long>(result["pairs"].get<int64_t>()),
                        static_cast<long long>(result["unpaired"].get<int64_t>()),
                        static_cast<long long>(result["duplicates"].get<int64_t>()));
            return 0;
        });
    });
}

} // namespace

void addPairs(CLI::App& app, Context&, int& rc) {
    auto* group = app.add_subcommand(
        "pairs", "Preference pairs for training: build (GPO and baselines), ls, export, import");
    group->require_subcommand(1);
    addBuild(*group, rc);
    addPairsList(*group, rc);
    addExport(*group, rc);
    addImport(*group, rc);
}

} // namespace gpo::cli
