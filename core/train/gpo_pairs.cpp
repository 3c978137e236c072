#include "train/gpo_pairs.h"

#include "store/analysis.h"
#include "store/policies.h"
#include "store/queries.h"
#include "store/runs.h"

#include <set>
#include <stdexcept>

namespace gpo::train {
namespace {

/// Where prefix p_h ends in the response: the analysis cuts before step h (p_0 = the question alone).
size_t prefixCut(const Trajectory& t, int h) {
    return h == 0 ? 0 : static_cast<size_t>(t.steps[static_cast<size_t>(h)].begin);
}

} // namespace

nlohmann::json PairBuildReport::toJson() const {
    return {{"considered", considered},
            {"pairs", pairs},
            {"dropped", dropped},
            {"tokens_sampled", tokensSampled}};
}

PairBuild buildResetPairs(Project& project, const model::Tokenizer& tok, const model::PromptFormat& prompt,
                          const ResetPairOptions& o) {
    const AnalysisConfig config = analysisConfig(project, o.analysisRun);
    bool known = false;
    for (const auto& s : config.selectors)
        known = known || s == o.selector;
    if (!known)
        throw std::invalid_argument("analysis run " + std::to_string(o.analysisRun) +
                                    " has no picks of selector '" + o.selector + "'");
    if (o.perPrefix < 1) throw std::invalid_argument("per-prefix must be at least 1");
    const std::string key = config.sampling.key();
    PairBuild out;
    auto drop = [&](const char* why) { ++out.report.dropped[why]; };
    for (const int64_t id : finishedTrajectories(project, o.analysisRun)) {
        ++out.report.considered;
        const auto analysis = loadAnalysis(project, o.analysisRun, id);
        const auto detail = loadTrajectory(project, id);
        if (!analysis || !detail) {
            drop("no analysis");
            continue;
        }
        const auto rollouts = loadRollouts(project.db(), id, key);
        // The sampling this trajectory's analysis spent: the rollouts its estimates count.
        for (const auto& r : rollouts)
            if (const auto* e = analysis->estimate(r.stepIdx); e && r.sampleIdx < e->k)
                out.report.tokensSampled += r.tokens;
        if (detail->correct.value_or(false)) {
            drop("trajectory is right (GPO resets failed ones)");
            continue;
        }
        const auto pick = analysis->picks.find(o.selector);
        if (pick == analysis->picks.end() || !pick->second) {
            drop("selector made no pick");
            continue;
        }
        const int h = *pick->second;
        const auto* estimate = analysis->estimate(h);
        const Trajectory& t = detail->trajectory;
        if (!estimate || h < 0 || static_cast<size_t>(h) >= t.steps.size()) {
            drop("no value at the picked prefix");
            continue;
        }
        std::vector<const StoredRollout*> right, wrong;
        for (const auto& r : rollouts)
            if (r.stepIdx == h && r.sampleIdx < estimate->k) (r.reward >= 1.0 ? right : wrong).push_back(&r);
        if (right.empty()) {
            drop("no continuation from the critical prefix reaches the answer");
            continue;
        }
        if (o.sampledRejected && wrong.empty()) {
            drop("no failed continuation from the critical prefix");
            continue;
        }
        const size_t cut = prefixCut(t, h);
        const std::string pairPrompt =
            prompt.render(detail->problem.question, tok) + t.response.substr(0, cut);
        const std::string own = t.response.substr(cut);
        for (size_t i = 0; i < right.size() && static_cast<int64_t>(i) < o.perPrefix; ++i) {
            PreferencePair p;
            p.prompt = pairPrompt;
            p.chosen = right[i]->text;
            p.rejected = o.sampledRejected ? wrong[i % wrong.size()]->text : own;
            p.problemId = detail->problemId;
            p.trajectoryId = id;
            p.stepIdx = h;
            p.selector = o.selector;
            p.analysisRunId = o.analysisRun;
            out.pairs.push_back(std::move(p));
        }
    }
    out.report.pairs = static_cast<int64_t>(out.pairs.size());
    return out;
}

PairBuild buildWholePairs(Project& project, const model::Tokenizer& tok, const model::PromptFormat& prompt,
                          const WholePairOptions& o) {
    requireDataset(project, o.dataset);
    TrajectoryFilter filter;
    filter.dataset = o.dataset;
    filter.source = o.source;
    std::map<int64_t, std::vector<TrajectoryDetail>> byProblem;
    for (const int64_t id : trajectoryIds(project, filter))
        if (auto d = loadTrajectory(project, id)) byProblem[d->problemId].push_back(std::move(*d));
    PairBuild out;
    for (auto& [problem, answers] : byProblem) {
        ++out.report.considered;
        const TrajectoryDetail *right = nullptr, *wrong = nullptr;
        for (const auto& a : answers) {
            out.report.tokensSampled += static_cast<int64_t>(tok.encode(a.trajectory.response).size());
            if (!a.correct) continue;
            if (*a.correct && !right) right = &a;
            if (!*a.correct && !wrong) wrong = &a;
        }
        if (!right || !wrong) {
            ++out.report.dropped[right   ? "every answer is right"
                                 : wrong ? "every answer is wrong"
                                         : "no graded answer"];
            continue;
        }
        PreferencePair p;
        p.prompt = prompt.render(right->problem.question, tok);
        p.chosen = right->trajectory.response;
        p.rejected = wrong->trajectory.response;
        p.problemId = problem;
        out.pairs.push_back(std::move(p));
    }
    if (out.report.considered == 0)
        throw std::invalid_argument("dataset '" + o.dataset + "' has no answers of '" + o.source +
                                    "' (sample them with gpo eval --samples N)");
    out.report.pairs = static_cast<int64_t>(out.pairs.size());
    return out;
}

PreparedPairSet preparePairSet(Project& project, const nlohmann::json& options, const std::string& where) {
    if (!options.is_object())
        throw std::invalid_argument(where + ": pair-building options are a JSON object");
    static const std::set<std::string> known = {"from",       "run",     "selector", "rejected",
                                                "per_prefix", "dataset", "policy",   "source"};
    for (const auto& [key, value] : options.items())
        if (!known.count(key))
            throw std::invalid_argument(where + ": \"" + key + "\": unknown pair-building option");
    auto text = [&](const char* key, const std::string& fallback) {
        if (!options.contains(key)) return fallback;
        if (!options[key].is_string())
            throw std::invalid_argument(where + ": \"" + std::string(key) + "\" must be a string");
        return options[key].get<std::string>();
    };
    auto integer = [&](const char* key, int64_t fallback) {
        if (!options.contains(key)) return fallback;
        if (!options[key].is_number_integer())
            throw std::invalid_argument(where + ": \"" + std::string(key) + "\" must be a whole number");
        return options[key].get<int64_t>();
    };
    const std::string from = text("from", "gpo");
    auto policyEntry = [&](const std::string& policyName) {
        const auto entry = policyName.empty() ? defaultPolicy(project) : findPolicy(project, policyName);
        if (!entry)
            throw std::invalid_argument(policyName.empty()
                                            ? "the project has no default policy (gpo policy add --default)"
                                            : "the project has no policy named '" + policyName + "'");
        return *entry;
    };
    PairBuild built;
    nlohmann::json config{{"from", from}};
    if (from == "whole") {
        const std::string dataset = text("dataset", "");
        if (dataset.empty())
            throw std::invalid_argument(where + ": building whole-trajectory pairs needs \"dataset\"");
        const PolicyEntry entry = policyEntry(text("policy", ""));
        const auto tok = model::Tokenizer::fromDirectory(entry.path);
        const auto prompt = model::PromptFormat::forCheckpoint(entry.path, tok);
        WholePairOptions o{dataset, text("source", entry.name)};
        built = buildWholePairs(project, tok, prompt, o);
        config.update({{"dataset", o.dataset}, {"source", o.source}, {"policy", entry.name}});
    } else if (from == "gpo" || from == "random-reset") {
        ResetPairOptions o;
        o.analysisRun = integer("run", 0);
        if (o.analysisRun == 0)
            for (const auto& r : listRuns(project, "analysis"))
                if (r.state == "done") {
                    o.analysisRun = r.id;
                    break;
                }
        if (o.analysisRun == 0)
            throw std::invalid_argument("the project has no finished analysis run (gpo analyze)");
        o.selector = text("selector", from == "gpo" ? "abs-advantage" : "random");
        const std::string rejected = text("rejected", "own");
        if (rejected != "own" && rejected != "sampled")
            throw std::invalid_argument(where + ": \"rejected\" is own or sampled, not '" + rejected + "'");
        o.sampledRejected = rejected == "sampled";
        o.perPrefix = integer("per_prefix", 1);
        const AnalysisConfig run = analysisConfig(project, o.analysisRun);
        const PolicyEntry entry = policyEntry(run.sampling.policy);
        const auto tok = model::Tokenizer::fromDirectory(entry.path);
        const auto prompt = model::PromptFormat::fromJson(run.sampling.prompt, tok,
                                                          "run " + std::to_string(o.analysisRun) + " prompt");
        built = buildResetPairs(project, tok, prompt, o);
        config.update({{"run", o.analysisRun},
                       {"selector", o.selector},
                       {"rejected", rejected},
                       {"per_prefix", o.perPrefix},
                       {"policy", entry.name}});
    } else {
        throw std::invalid_argument(where + ": \"from\" is gpo, random-reset or whole, not '" + from + "'");
    }
    if (built.pairs.empty()) throw std::invalid_argument("no pairs: " + built.report.toJson().dump());
    return {from, std::move(config), std::move(built)};
}

PairSet buildPairSet(Project& project, const std::string& name, const nlohmann::json& options,
                     const std::string& where) {
    const PreparedPairSet p = preparePairSet(project, options, where);
    storePairSet(project, name, p.from, p.config, p.built.pairs, p.built.report.toJson(),
                 p.built.report.tokensSampled);
    return requirePairSet(project, name);
}

} // namespace gpo::train
