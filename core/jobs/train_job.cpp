#include "jobs/train_job.h"

#include "model/lora.h"
#include "model/policy.h"
#include "model/prompt_format.h"
#include "model/torch_util.h"
#include "plugin/registry.h"
#include "store/pairs.h"
#include "store/policies.h"
#include "store/queries.h"
#include "store/run_overview.h"
#include "store/runs.h"
#include "train/gpo_pairs.h"
#include "train/greedy_eval.h"
#include "train/grpo_trainer.h"
#include "train/ppo_trainer.h"
#include "train/preference_trainer.h"
#include "train/process_group.h"

#include <filesystem>

namespace gpo::jobs {
namespace fs = std::filesystem;
namespace {

/// A project policy's name or a checkpoint folder.
PolicyEntry resolvePolicy(Project& project, const std::string& policy) {
    if (policy.empty()) {
        if (auto d = defaultPolicy(project)) return *d;
        throw std::invalid_argument(
            "\"policy\": the project has no default policy (gpo policy add --default)");
    }
    if (auto p = findPolicy(project, policy)) return *p;
    if (fs::is_directory(policy)) return {0, fs::path(policy).filename().string(), policy, false};
    throw std::invalid_argument("\"policy\": '" + policy +
                                "' is neither a policy of the project nor a checkpoint folder");
}

/// The pairs a run trains on, and the name of their set.
std::pair<std::vector<PreferencePair>, std::string> runPairs(Project& project, const train::TrainConfig& c,
                                                             const std::string& runName) {
    if (!c.pairs.set.empty()) {
        const PairSet set = requirePairSet(project, c.pairs.set);
        return {loadPairs(project, set.id), set.name};
    }
    if (!c.pairs.file.empty()) return {readPairsJsonl(c.pairs.file), c.pairs.file};
    // A set built for the run: reused when one with the same options exists.
    const std::string name = runName + "-pairs";
    for (const auto& s : listPairSets(project))
        if (s.name == name) return {loadPairs(project, s.id), s.name};
    const PairSet set = train::buildPairSet(project, name, c.pairs.build, "\"pairs\"");
    return {loadPairs(project, set.id), set.name};
}

/// GRPO's prompts: the problems of the config's dataset, in the policy's prompt format.
std::vector<train::OnlinePrompt> onlinePrompts(Project& project, const Registry& registry,
                                               const train::TrainConfig& c, const model::Policy& policy,
                                               const std::string& checkpoint) {
    const model::Tokenizer& tok = policy.requireTokenizer();
    const model::PromptFormat format = model::PromptFormat::forCheckpoint(checkpoint, tok);
    std::vector<train::OnlinePrompt> out;
    for (const GradableProblem& g : gradableProblems(project, c.dataset, c.limit)) {
        train::OnlinePrompt p;
        p.problemId = g.id;
        p.tokens = tok.encodePrompt(format.render(g.question, tok));
        p.answer = g.answer;
        p.question = g.question;
        p.verifier = &registry.requireVerifier(g.verifier);
        out.push_back(std::move(p));
    }
    return out;
}

/// Refuses a reference whose tokenizer differs from the policy's: their log-probs would not compare.
void requireSameTokenizer(const std::string& policyDir, const std::string& referenceDir) {
    if (fs::exists(policyDir) && fs::exists(referenceDir) && fs::equivalent(policyDir, referenceDir)) return;
    const auto a = model::Tokenizer::fromDirectory(policyDir);
    const auto b = model::Tokenizer::fromDirectory(referenceDir);
    const std::string probe = "Question: 12 + 7 = ?\nAnswer: The answer is 19. \u00e9\u4e2d <|endoftext|>";
    if (a.vocabSize() != b.vocabSize() || a.encode(probe) != b.encode(probe) || a.eosId() != b.eosId())
        throw std::invalid_argument("\"reference\": its tokenizer (" + referenceDir +
                                    ") differs from the policy's (" + policyDir +
                                    "): their log-probabilities cannot be compared");
}

} // namespace

std::string defaultRunName(const train::TrainConfig& c) {
    if (train::isOnline(c.algorithm))
        return (c.gpo ? "gpo-" : "") + train::algorithmName(c.algorithm) + "-" + c.dataset;
    std::string pairs = !c.pairs.set.empty()    ? c.pairs.set
                        : !c.pairs.file.empty() ? fs::path(c.pairs.file).stem().string()
                                                : c.pairs.build.value("from", std::string("gpo"));
    return train::algorithmName(c.algorithm) + "-" + pairs;
}

std::string runFolder(const std::string& projectPath, int64_t runId) {
    return runFolderOf(projectPath, runId);
}

nlohmann::json TrainJobResult::toJson() const {
    return {{"run_id", runId},
            {"run_name", runName},
            {"output_dir", outDir},
            {"policy", policyName},
            {"policy_path", policyPath},
            {"pairs", pairSet},
            {"steps", train.steps},
            {"max_steps", train.maxSteps},
            {"examples", train.examples},
            {"skipped", train.skipped},
            {"cancelled", train.cancelled},
            {"metrics", train.last},
            {"sampled_tokens", train.sampledTokens},
            {"best", train.best},
            {"best_policy", bestPolicyName},
            {"adapter", adapterPath},
            {"seconds", train.seconds}};
}

namespace {

/// What a run starts from, found and checked before anything is recorded.
struct CheckedSettings {
    PolicyEntry start;
    std::string referencePath;
    const mc::Selector* gpoSelector = nullptr;
};

/// The checks every run passes before it is recorded (and that `gpo train --check` runs): the policy and
/// reference, the GPO selector, the evaluation and prompt datasets.
CheckedSettings checkSettings(Project& project, const train::TrainConfig& c, const Registry* registry) {
    CheckedSettings s{resolvePolicy(project, c.policy), {}, nullptr};
    s.referencePath = c.reference.empty() ? s.start.path : resolvePolicy(project, c.reference).path;
    const bool online = train::isOnline(c.algorithm);
    const bool needsReference = c.algorithm == train::Algorithm::Dpo ||
                                c.algorithm == train::Algorithm::Kto ||
                                (c.algorithm == train::Algorithm::Grpo && c.beta > 0) ||
                                (c.algorithm == train::Algorithm::Ppo && c.klCoef > 0);
    if (needsReference) requireSameTokenizer(s.start.path, s.referencePath);
    if (online && c.gpo) {
        if (!registry) throw std::invalid_argument("online GPO needs the selectors of a registry");
        s.gpoSelector = registry->selector(c.gpoOnline.selector);
        if (!s.gpoSelector)
            throw std::invalid_argument("\"gpo_selector\": no selector named '" + c.gpoOnline.selector +
                                        "' (gpo formats lists them)");
    }
    if (!c.evalDataset.empty()) {
        if (!registry) throw std::invalid_argument("evaluation needs the verifiers of a registry");
        requireDataset(project, c.evalDataset);
        gradableProblems(project, c.evalDataset, c.evalLimit); // refused now when it has no graded problem
    }
    if (online) {
        if (!registry) throw std::invalid_argument("online training needs the verifiers of a registry");
        requireDataset(project, c.dataset);
    }
    return s;
}

} // namespace

nlohmann::json checkTrainJob(Project& project, const train::TrainConfig& given, const TrainJobOptions& o) {
    train::TrainConfig c = given;
    if (o.maxSteps) c.maxSteps = *o.maxSteps;
    const std::string runName = c.runName.empty() ? defaultRunName(c) : c.runName;
    const CheckedSettings s = checkSettings(project, c, o.registry);
    nlohmann::json out{{"ok", true}, {"run_name", runName}, {"policy", s.start.name}};
    int64_t examples = 0;
    if (train::isOnline(c.algorithm)) {
        examples = static_cast<int64_t>(gradableProblems(project, c.dataset, c.limit).size());
        out["dataset"] = c.dataset;
    } else if (!c.pairs.set.empty()) {
        const PairSet set = requirePairSet(project, c.pairs.set);
        examples = set.pairs + set.unpaired;
        out["pairs"] = set.name;
    } else if (!c.pairs.file.empty()) {
        examples = static_cast<int64_t>(readPairsJsonl(c.pairs.file).size());
        out["pairs"] = c.pairs.file;
    } else {
        const std::string name = runName + "-pairs";
        bool found = false;
        for (const auto& set : listPairSets(project))
            if (set.name == name) {
                examples = set.pairs + set.unpaired;
                found = true;
            }
        if (!found) {
            const train::PreparedPairSet p = train::preparePairSet(project, c.pairs.build, "\"pairs\"");
            examples = static_cast<int64_t>(p.built.pairs.size());
            out["pairs_report"] = p.built.report.toJson();
        }
        out["pairs"] = name;
    }
    out["examples"] = examples;
    if (c.maxSteps > 0) out["max_steps"] = c.maxSteps;
    // Every setting as the run would read it, and what each is when the config leaves it out.
    out["config"] = c.toJson();
    nlohmann::json minimal{{"algorithm", train::algorithmName(c.algorithm)}, {"gpo", c.gpo}};
    if (train::isOnline(c.algorithm))
        minimal["dataset"] = c.dataset;
    else
        minimal["pairs"] = out["config"]["pairs"];
    if (c.lora.enabled) minimal["use_peft"] = true; // so the LoRA settings show their defaults
    nlohmann::json defaults = train::TrainConfig::fromJson(minimal, "defaults").toJson();
    // What a run trains on, and which algorithm, have no default: the config must say them. The rest
    // are the defaults of a config that leaves them out (LoRA off, GPO off).
    for (const char* required : {"algorithm", "pairs", "dataset"})
        defaults.erase(required);
    defaults["gpo"] = false;
    defaults["use_peft"] = false;
    out["defaults"] = std::move(defaults);
    out["required"] = train::isOnline(c.algorithm) ? nlohmann::json{"algorithm", "dataset"}
                                                   : nlohmann::json{"algorithm", "pairs"};
    return out;
}

TrainJobResult runTrainJob(Project& project, const train::TrainConfig& given, const TrainJobOptions& o) {
    train::TrainConfig c = given;
    if (o.maxSteps) c.maxSteps = *o.maxSteps;
    if (!o.device.empty()) c.device = o.device;
    TrainJobResult r;
    r.runName = c.runName.empty() ? defaultRunName(c) : c.runName;
    const CheckedSettings checked = checkSettings(project, c, o.registry);
    const PolicyEntry& start = checked.start;
    const std::string& referencePath = checked.referencePath;
    const mc::Selector* gpoSelector = checked.gpoSelector;
    nlohmann::json stored = c.toJson();
    stored["resolved"] = {
        {"policy", start.name}, {"policy_path", start.path}, {"reference_path", referencePath}};

    const bool leader = !o.group || o.group->leader();
    std::optional<int64_t> resumeId;
    if (o.resume && leader) {
        for (const auto& run : listRuns(project, "training"))
            if (run.name == r.runName && run.state != "done") {
                requireNotRunning(run);
                resumeId = run.id;
                break;
            }
        if (!resumeId)
            throw std::invalid_argument("no unfinished training run named '" + r.runName + "' to resume");
    }
    auto emit = [&](nlohmann::json e) {
        if (o.progress && leader) o.progress(e);
    };
    const bool online = train::isOnline(c.algorithm);
    // The other ranks wait for rank 0 to record the run (and build its pairs), then take its id.
    if (!leader) {
        r.runId = o.group->broadcast(0);
        if (o.group->broadcast(0)) resumeId = r.runId;
    }
    std::vector<PreferencePair> pairs;
    if (!online) {
        emit({{"event", "stage"}, {"stage", "preparing the pairs"}});
        auto [found, setName] = runPairs(project, c, r.runName);
        pairs = std::move(found);
        r.pairSet = setName;
        stored["resolved"]["pairs"] = setName;
    } else {
        gradableProblems(project, c.dataset, c.limit); // an empty selection is refused before the run starts
        r.pairSet = c.dataset;
    }

    if (leader) {
        r.runId = resumeId ? *resumeId : beginRun(project, "training", r.runName, stored);
        if (resumeId) resumeRun(project, r.runId);
        if (o.group) {
            o.group->broadcast(r.runId);
            o.group->broadcast(resumeId ? 1 : 0);
        }
    }
    r.outDir = runFolder(project.path(), r.runId);
    emit({{"event", "run"}, {"run_id", r.runId}, {"run_name", r.runName}, {"resumed", resumeId.has_value()}});
    auto finish = [&](const std::string& state, const std::string& error = {}) {
        if (leader) finishRun(project, r.runId, state, error);
    };
    // What the run does before its first step, in the project too: the Runs tab shows it while the run
    // has logged nothing (loading, scoring the reference can take minutes on a big model).
    auto stage = [&](const std::string& name, int64_t done, int64_t total) {
        nlohmann::json e{{"event", "stage"}, {"stage", name}};
        if (total > 0) e.update({{"done", done}, {"total", total}});
        emit(e);
        if (!leader) return;
        nlohmann::json saved{{"name", name}};
        if (total > 0) saved.update({{"done", done}, {"total", total}});
        setRunConfigValue(project, r.runId, "$.resolved.stage", saved.dump());
    };
    try {
        model::PolicyOptions po;
        po.device = c.device;
        const bool fromCheckpoint =
            resumeId && fs::exists(fs::path(r.outDir) / "checkpoint" / "trainer_state.json");
        if (fromCheckpoint) // where it goes on from, as the checkpoint says
            emit({{"event", "resume"},
                  {"run_id", r.runId},
                  {"from_step", checkpointStepOf(project.path(), r.runId).value_or(0)}});
        stage("loading the policy", 0, 0);
        const std::string checkpoint = (fs::path(r.outDir) / "checkpoint").string();
        // A LoRA run trains an adapter on the unchanged base; its checkpoint holds the adapter alone.
        auto policy = model::Policy::load(fromCheckpoint && !c.lora.enabled ? checkpoint : start.path, po);
        if (c.lora.enabled)
            policy->model().attachLora(
                fromCheckpoint
                    ? model::LoraAdapter::load(checkpoint, policy->model())
                    : model::LoraAdapter::create(policy->model(), {c.lora.r, c.lora.alpha, c.lora.dropout,
                                                                   c.lora.targetModules, c.seed}));
        if (leader) {
            setRunConfigValue(project, r.runId, "$.resolved.device",
                              nlohmann::json(policy->device().str()).dump());
            // Ranks average their gradients over c10d's Gloo (GPU tensors are copied to the host for it).
            if (o.group) {
                setRunConfigValue(project, r.runId, "$.resolved.distributed_backend", "\"gloo\"");
                setRunConfigValue(project, r.runId, "$.resolved.world_size",
                                  std::to_string(o.group->world()));
            }
        }
        train::OnlineTrainOptions t;
        t.gpoSelector = gpoSelector;
        t.outDir = r.outDir;
        t.resume = fromCheckpoint;
        t.loadReference = [referencePath, po] { return model::Policy::load(referencePath, po); };
        t.cancelled = o.cancelled;
        t.group = o.group;
        bool totalRecorded = false;
        t.metrics = [&](const nlohmann::json& m) {
            sql::Transaction tx(project.db());
            const int64_t step = m["step"].get<int64_t>();
            if (!totalRecorded && m.contains("max_steps")) { // the Runs tab's step of total and time left
                setRunConfigValue(project, r.runId, "$.resolved.max_steps", m["max_steps"].dump());
                totalRecorded = true;
            }
            for (const auto& [key, v] : m.items())
                if (v.is_number() && key != "step" && key != "max_steps")
                    recordMetric(project, r.runId, key, step, v.get<double>());
            tx.commit();
            nlohmann::json e = m;
            e["event"] = "train";
            e["run_id"] = r.runId;
            emit(e);
        };
        std::vector<train::OnlinePrompt> evalPrompts;
        if (!c.evalDataset.empty()) {
            train::TrainConfig e = c;
            e.dataset = c.evalDataset;
            e.limit = c.evalLimit;
            evalPrompts = onlinePrompts(project, *o.registry, e, *policy, start.path);
            const int64_t maxNew = policy->maxNewTokens().value_or(512);
            t.evaluate = [&policy, &evalPrompts, maxNew] {
                const train::GreedyEval g = train::greedyPassAt1(*policy, evalPrompts, maxNew);
                return std::map<std::string, double>{{"eval/pass@1", g.passAt1()},
                                                     {"eval/problems", static_cast<double>(g.problems)},
                                                     {"eval/seconds", g.seconds}};
            };
        }
        t.stage = stage;
        stage("training", 0, 0);
        if (online) {
            const auto prompts = onlinePrompts(project, *o.registry, c, *policy, start.path);
            r.train = c.algorithm == train::Algorithm::Ppo ? train::trainPpo(*policy, prompts, c, t)
                                                           : train::trainGrpo(*policy, prompts, c, t);
        } else {
            r.train = train::trainOnPreferences(*policy, pairs, c, t);
        }
        if (r.train.cancelled) {
            finish("cancelled");
            return r;
        }
        r.policyName = c.outputName.empty() ? r.runName : c.outputName;
        r.policyPath = fs::absolute(fs::path(r.outDir) / "final").string();
        if (!leader) return r;
        if (const model::LoraAdapter* lora = policy->model().lora()) {
            r.adapterPath = fs::absolute(fs::path(r.outDir) / "adapter").string();
            lora->save(r.adapterPath, fs::absolute(start.path).string());
        }
        registerPolicy(project, r.policyName, r.policyPath, false);
        if (r.train.best.is_object() && fs::exists(fs::path(r.outDir) / "best")) {
            r.bestPolicyName = r.policyName + "-best";
            registerPolicy(project, r.bestPolicyName, fs::absolute(fs::path(r.outDir) / "best").string(),
                           false);
        }
        finish("done");
        return r;
    } catch (const std::exception& e) {
        finish("failed", model::errorText(e));
        throw;
    }
}

} // namespace gpo::jobs
