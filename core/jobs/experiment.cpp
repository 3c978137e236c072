#include "jobs/experiment.h"

#include "jobs/analysis_job.h"
#include "jobs/demo_project.h"
#include "jobs/eval_job.h"
#include "jobs/train_job.h"
#include "model/policy.h"
#include "model/prompt_format.h"
#include "model/torch_util.h"
#include "stats/seed_bootstrap.h"
#include "store/analysis.h"
#include "store/pairs.h"
#include "store/policies.h"
#include "store/queries.h"
#include "store/run_overview.h"
#include "store/runs.h"
#include "train/gpo_pairs.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <tuple>

namespace gpo::jobs {
namespace fs = std::filesystem;
namespace {

constexpr const char* kTrain = kExperimentTrain;
constexpr const char* kHeldout = kExperimentHeldout;
/// Problems of the demo streams the experiment draws from: far past what the demo project and the demo
/// policy's training used, so neither training nor held-out data was ever seen before.
constexpr int64_t kFirstProblem = 100000;

bool isOffline(const std::string& method) {
    return method == "dpo" || method == "gpo-dpo" || method == "random-dpo";
}

/// Per held-out problem (in id order), 1 when the policy's stored greedy answer is right.
std::vector<double> heldoutScores(Project& project, const std::string& source, int64_t problems) {
    TrajectoryFilter f;
    f.dataset = kHeldout;
    f.source = source;
    std::map<int64_t, double> byProblem;
    for (const auto& row : trajectoryRows(project, trajectoryIds(project, f)))
        byProblem[row.problemId] =
            std::max(byProblem[row.problemId], row.correct.value_or(false) ? 1.0 : 0.0);
    std::vector<double> out;
    for (const auto& p : gradableProblems(project, kHeldout, problems))
        out.push_back(byProblem.count(p.id) ? byProblem[p.id] : 0.0);
    return out;
}

/// A training run's last logged value of each metric.
std::map<std::string, double> lastMetrics(Project& project, int64_t runId) {
    std::map<std::string, std::pair<int64_t, double>> last;
    for (const auto& m : runMetrics(project, runId)) {
        auto& [step, value] = last[m.name];
        if (m.step >= step) step = m.step, value = m.value;
    }
    std::map<std::string, double> out;
    for (const auto& [name, v] : last)
        out[name] = v.second;
    return out;
}

std::string fixed(double v, int digits) {
    std::ostringstream s;
    s.setf(std::ios::fixed);
    s.precision(digits);
    s << v;
    return s.str();
}

std::string interval(const stats::MeanInterval& m, double scale, int digits, bool sign = false) {
    std::string text = (sign && m.mean >= 0 ? "+" : "") + fixed(m.mean * scale, digits);
    if (m.interval)
        text += " [" + fixed(m.interval->first * scale, digits) + ", " +
                fixed(m.interval->second * scale, digits) + "]";
    return text;
}

class Experiment {
public:
    Experiment(const Registry& registry, const ExperimentOptions& o)
        : registry_(registry), o_(o), project_(Project::open(o.projectPath, OpenMode::Existing)) {}

    ExperimentResult run();

private:
    void run(ExperimentResult& result);
    void say(const std::string& stage) {
        if (o_.progress) o_.progress({{"event", "stage"}, {"stage", stage}});
    }
    bool cancelled() const { return o_.cancelled && o_.cancelled(); }
    std::string seedName(const std::string& what, uint64_t seed) const {
        return o_.name + "-" + what + "-s" + std::to_string(seed);
    }
    /// This experiment's run: a new one, or the earlier one with the same name and settings.
    int64_t experimentRun();
    void prepareData();
    /// Greedy answers of a policy to the held-out problems (kept when an eval of it already finished).
    std::vector<double> heldout(const PolicyEntry& policy);
    /// Samples `samples` answers to problems [skip, limit) of exp-train as source `source`; sampled tokens.
    int64_t sample(const std::string& source, uint64_t seed, int64_t limit, int64_t skip);
    /// Trains `config`, reusing a finished run of its name and taking up an unfinished one.
    nlohmann::json train(train::TrainConfig config);
    void offline(uint64_t seed);
    void online(uint64_t seed);
    bool wanted(const std::string& method) const {
        return std::find(o_.methods.begin(), o_.methods.end(), method) != o_.methods.end();
    }
    std::unique_ptr<model::Policy>& loaded() {
        if (!policy_) policy_ = model::Policy::load(entry_.path, {o_.device, "auto"});
        return policy_;
    }

    const Registry& registry_;
    ExperimentOptions o_;
    Project project_;
    PolicyEntry entry_;
    std::unique_ptr<model::Policy> policy_;
    std::vector<nlohmann::json> rows_;
    std::map<std::string, std::vector<std::vector<double>>> scores_; ///< method -> seed -> problem
};

int64_t Experiment::experimentRun() {
    nlohmann::json config = o_.settings();
    config["policy"] = entry_.name;
    for (const auto& run : listRuns(project_, "experiment")) {
        if (run.name != o_.name) continue;
        nlohmann::json stored = runConfig(project_, run.id);
        if (stored.is_object()) stored.erase("out_dir"); // where it writes, not what it computes
        if (stored != config)
            throw std::invalid_argument("experiment '" + o_.name + "' (run " + std::to_string(run.id) +
                                        ") was started with other settings: " + stored.dump() +
                                        "; give this one another --name");
        requireNotRunning(run);
        resumeRun(project_, run.id);
        return run.id;
    }
    return beginRun(project_, "experiment", o_.name, config);
}

void Experiment::prepareData() {
    // Idempotent, and cheap when done before (the task repeats a question now and then, so the count of
    // distinct problems can fall short of the slice's size: importing again is the sure test).
    for (const auto& [dataset, split, count] :
         {std::tuple<const char*, const char*, int64_t>{kTrain, "train", o_.trainPool},
          {kHeldout, "test", o_.heldout}}) {
        const ImportResult r =
            importDemoSplit(project_, registry_, dataset, split, kFirstProblem, count, o_.taskSeed, false);
        if (r.problemsAdded > 0)
            say("imported " + std::to_string(r.problemsAdded) + " problems into " + dataset);
    }
}

std::vector<double> Experiment::heldout(const PolicyEntry& policy) {
    if (!hasFinishedRun(project_, "eval", evalRunName(policy.name, kHeldout))) {
        say("held-out pass@1 of " + policy.name);
        auto p = model::Policy::load(policy.path, {o_.device, "auto"});
        EvalOptions e;
        e.dataset = kHeldout;
        e.policyName = policy.name;
        e.samples = 1;
        e.limit = o_.heldout;
        e.maxNewTokens = o_.maxNewTokens;
        e.cancelled = o_.cancelled;
        if (evaluatePolicy(project_, registry_, *p, e).cancelled) return {};
    }
    return heldoutScores(project_, policy.name, o_.heldout);
}

int64_t Experiment::sample(const std::string& source, uint64_t seed, int64_t limit, int64_t skip) {
    EvalOptions e;
    e.dataset = kTrain;
    e.policyName = source;
    e.samples = o_.samples;
    e.temperature = 1.0;
    e.limit = limit;
    e.skip = skip;
    e.seed = seed;
    e.maxNewTokens = o_.maxNewTokens;
    e.cancelled = o_.cancelled;
    return evaluatePolicy(project_, registry_, *loaded(), e).newTokens;
}

nlohmann::json Experiment::train(train::TrainConfig c) {
    c.policy = entry_.name;
    c.outputName = c.runName;
    c.device = o_.device;
    std::optional<RunSummary> existing;
    for (const auto& r : listRuns(project_, "training"))
        if (r.name == c.runName) {
            existing = r;
            break;
        }
    int64_t runId = 0;
    if (existing && existing->state == "done") {
        runId = existing->id;
    } else {
        say("train " + c.runName);
        TrainJobOptions t;
        t.registry = &registry_;
        t.resume = existing.has_value();
        t.cancelled = o_.cancelled;
        const TrainJobResult r = runTrainJob(project_, c, t);
        if (r.train.cancelled) return nullptr;
        runId = r.runId;
    }
    const auto metrics = lastMetrics(project_, runId);
    nlohmann::json row{{"run_id", runId}, {"policy", c.runName}};
    for (const char* key : {"rewards/margins", "rewards/accuracies", "reward", "gpo/resets",
                            "gpo/reset_success", "sampled_tokens", "loss"})
        if (metrics.count(key)) row["train"][key] = metrics.at(key);
    int64_t steps = 0;
    for (const auto& m : runMetrics(project_, runId))
        if (m.name == "learning_rate") steps = std::max(steps, m.step);
    row["steps"] = steps;
    row["heldout_pass_at_1"] = nullptr;
    return row;
}

void Experiment::offline(uint64_t seed) {
    const bool any = wanted("dpo") || wanted("gpo-dpo") || wanted("random-dpo");
    if (!any || cancelled()) return;
    const std::string source = seedName("answers", seed);
    say("seed " + std::to_string(seed) + ": " + std::to_string(o_.samples) + " answers to each of " +
        std::to_string(o_.trainProblems) + " training problems");
    const int64_t answerTokens = sample(source, seed, o_.trainProblems, 0);
    if (cancelled()) return;

    // The MC analysis of the failed answers, pinned to their ids so that a rerun analyses the same ones.
    std::set<int64_t> selected;
    for (const auto& p : gradableProblems(project_, kTrain, o_.trainProblems))
        selected.insert(p.id);
    TrajectoryFilter failed;
    failed.dataset = kTrain;
    failed.source = source;
    failed.correctness = Correctness::Incorrect;
    std::vector<int64_t> ids;
    for (const auto& row : trajectoryRows(project_, trajectoryIds(project_, failed)))
        if (selected.count(row.problemId)) ids.push_back(row.id);
    failed.ids = ids;
    const auto prompt = model::PromptFormat::forCheckpoint(entry_.path, loaded()->requireTokenizer());
    AnalysisConfig a = defaultAnalysisConfig(registry_, entry_, *loaded(), prompt, failed);
    a.k = o_.rollouts;
    a.selectors = {o_.selector, "random"};
    a.seed = seed;
    a.selectorOptions.seed = seed;
    if (o_.maxNewTokens > 0) a.sampling.maxNewTokens = o_.maxNewTokens;
    a.name = seedName("analysis", seed);
    say("seed " + std::to_string(seed) + ": analyse " + std::to_string(ids.size()) +
        " failed answers (K = " + std::to_string(a.k) + ")");
    AnalysisOptions ao;
    ao.cancelled = o_.cancelled;
    const AnalysisResult analysis =
        analyzeInProject(project_, registry_, *loaded(), prompt, a, findAnalysisRun(project_, a), ao);
    if (analysis.cancelled || cancelled()) return;

    auto pairSet = [&](const std::string& name, const nlohmann::json& options) {
        for (const auto& s : listPairSets(project_))
            if (s.name == name) return s;
        return train::buildPairSet(project_, name, options, "experiment");
    };
    // Every successful continuation drawn at the reset prefix makes a pair with the failed one's own.
    const PairSet gpoSet = pairSet(
        seedName("gpo-pairs", seed),
        {{"from", "gpo"}, {"run", analysis.runId}, {"selector", o_.selector}, {"per_prefix", o_.rollouts}});
    const PairSet randomSet = pairSet(seedName("random-pairs", seed), {{"from", "random-reset"},
                                                                       {"run", analysis.runId},
                                                                       {"selector", "random"},
                                                                       {"per_prefix", o_.rollouts}});
    const int64_t resetBudget = answerTokens + gpoSet.tokensSampled;

    // The baseline spends the same tokens on answers alone: answers to further problems of the pool, in
    // rounds sized by the tokens an answered problem has cost so far, until the budget is spent.
    int64_t wholeProblems = o_.trainProblems, wholeTokens = answerTokens;
    while (wanted("dpo") && wholeTokens < resetBudget && wholeProblems < o_.trainPool) {
        const double perProblem = static_cast<double>(wholeTokens) / static_cast<double>(wholeProblems);
        const int64_t more = std::max<int64_t>(
            1, static_cast<int64_t>(std::ceil(static_cast<double>(resetBudget - wholeTokens) / perProblem)));
        const int64_t next = std::min<int64_t>(o_.trainPool, wholeProblems + more);
        say("seed " + std::to_string(seed) + ": answers to problems " + std::to_string(wholeProblems + 1) +
            "-" + std::to_string(next) + " for the baseline's equal budget");
        wholeTokens += sample(source, seed, next, wholeProblems);
        wholeProblems = next;
        if (cancelled()) return;
    }
    std::map<std::string, std::pair<PairSet, int64_t>> data = {{"gpo-dpo", {gpoSet, resetBudget}},
                                                               {"random-dpo", {randomSet, resetBudget}}};
    if (wanted("dpo"))
        data.emplace("dpo", std::make_pair(pairSet(seedName("whole-pairs", seed), {{"from", "whole"},
                                                                                   {"dataset", kTrain},
                                                                                   {"source", source},
                                                                                   {"policy", entry_.name}}),
                                           wholeTokens));
    for (const std::string method : {"dpo", "gpo-dpo", "random-dpo"}) {
        if (!wanted(method) || cancelled()) continue;
        const auto& [set, tokens] = data.at(method);
        train::TrainConfig c;
        c.algorithm = train::Algorithm::Dpo;
        c.gpo = method == "gpo-dpo";
        c.runName = seedName(method, seed);
        c.pairs.set = set.name;
        c.beta = o_.dpoBeta;
        c.rpoAlpha = o_.dpoRpoAlpha;
        c.learningRate = o_.dpoLearningRate;
        c.batchSize = o_.dpoBatch;
        c.maxSteps = o_.dpoSteps;
        c.lrSchedulerType = "cosine";
        c.warmupSteps = std::max<int64_t>(1, o_.dpoSteps / 10);
        c.loggingSteps = 5;
        c.saveSteps = 25;
        c.seed = seed;
        nlohmann::json row = train(c);
        if (row.is_null()) return;
        row.update({{"method", method},
                    {"seed", seed},
                    {"pairs", set.pairs},
                    {"pair_report", set.report},
                    {"sampled_tokens", tokens},
                    {"problems", method == "dpo" ? wholeProblems : o_.trainProblems}});
        rows_.push_back(row);
    }
}

void Experiment::online(uint64_t seed) {
    int64_t budget = 0;
    for (const std::string method : {"gpo-grpo", "grpo", "random-grpo"}) {
        if (!wanted(method) || cancelled()) continue;
        train::TrainConfig c;
        c.algorithm = train::Algorithm::Grpo;
        c.gpo = method != "grpo";
        c.gpoOnline.selector = method == "gpo-grpo" ? "binary-search" : "random";
        c.gpoOnline.rollouts = o_.rollouts;
        c.runName = seedName(method, seed);
        c.dataset = kTrain;
        c.numGenerations = o_.grpoGenerations;
        c.batchSize = o_.grpoBatch;
        c.maxCompletionLength = o_.grpoCompletion;
        c.temperature = 1.0;
        c.beta = 0.0;
        c.lossType = "dapo";
        c.learningRate = o_.grpoLearningRate;
        // A constant rate after warm-up: runs stopped by the token budget end at the same rate.
        c.lrSchedulerType = "constant";
        c.warmupSteps = 2;
        c.loggingSteps = 1;
        c.saveSteps = 10;
        c.seed = seed;
        c.maxSteps = o_.grpoSteps;
        if (method != "gpo-grpo" && budget > 0) {
            c.maxSteps = o_.grpoSteps * 20;
            c.maxSampledTokens = budget;
        }
        nlohmann::json row = train(c);
        if (row.is_null()) return;
        const int64_t tokens = row["train"].value("sampled_tokens", 0.0);
        if (method == "gpo-grpo") budget = tokens;
        row.update({{"method", method}, {"seed", seed}, {"sampled_tokens", tokens}});
        rows_.push_back(row);
    }
}

ExperimentResult Experiment::run() {
    const auto t0 = std::chrono::steady_clock::now();
    ExperimentResult result;
    const auto entry = o_.policy.empty() ? defaultPolicy(project_) : findPolicy(project_, o_.policy);
    if (!entry)
        throw std::invalid_argument(o_.policy.empty()
                                        ? "the project has no default policy (gpo demo makes one)"
                                        : "the project has no policy named '" + o_.policy + "'");
    entry_ = *entry;
    for (const auto& m : o_.methods)
        if (!isOffline(m) && m != "grpo" && m != "gpo-grpo" && m != "random-grpo")
            throw std::invalid_argument("unknown method '" + m +
                                        "' (dpo, gpo-dpo, random-dpo, grpo, gpo-grpo, random-grpo)");
    if (o_.trainProblems > o_.trainPool)
        throw std::invalid_argument("--train-problems cannot exceed --train-pool");
    if (o_.name.empty() || o_.name.find_first_of(" /\\") != std::string::npos)
        throw std::invalid_argument("--name must be a word (no spaces or slashes)");
    result.outDir = o_.outDir.empty() ? o_.projectPath + "." + o_.name : o_.outDir;
    result.runId = experimentRun();
    // Where its tables are written: the studio's Runs tab charts them from there.
    setRunConfigValue(project_, result.runId, "$.out_dir",
                      nlohmann::json(fs::absolute(result.outDir).string()).dump());
    try {
        run(result);
    } catch (const std::exception& e) {
        finishRun(project_, result.runId, "failed", model::errorText(e));
        throw;
    }
    finishRun(project_, result.runId, result.cancelled ? "cancelled" : "done");
    result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::ofstream(fs::path(result.outDir) / "experiment.json") << result.toJson().dump(2) << '\n';
    return result;
}

void Experiment::run(ExperimentResult& result) {
    prepareData();
    const std::vector<double> base = heldout(entry_);
    for (const uint64_t seed : o_.seeds) {
        offline(seed);
        online(seed);
        if (cancelled()) break;
    }
    // Held-out pass@1 of every trained policy, after all training (the evaluations read nothing of it).
    for (auto& row : rows_) {
        if (cancelled()) break;
        const auto policy = findPolicy(project_, row["policy"].get<std::string>());
        if (!policy) continue;
        const auto scores = heldout(*policy);
        if (scores.empty()) break;
        double sum = 0;
        for (const double s : scores)
            sum += s;
        row["heldout_pass_at_1"] = sum / static_cast<double>(scores.size());
        scores_[row["method"].get<std::string>()].push_back(scores);
    }
    result.cancelled = cancelled();

    // Per method: pass@1 over problems and seeds, and the paired difference to its baseline.
    stats::BootstrapOptions bo;
    bo.bootstrap = o_.bootstrap;
    result.summary = nlohmann::json::array();
    std::ostringstream md;
    md << "| method | seeds | sampled tokens | pairs | train (last logged) | held-out pass@1 (95% CI) | vs "
          "baseline, points (95% CI) |\n|---|---|---|---|---|---|---|\n";
    if (!base.empty()) {
        const auto b = stats::seedItemMean({base}, bo);
        result.summary.push_back(
            {{"method", "start"}, {"seeds", 1}, {"pass_at_1", b.mean}, {"ci", nlohmann::json()}});
        if (b.interval) result.summary.back()["ci"] = {b.interval->first, b.interval->second};
        md << "| start (" << entry_.name << ") | – | – | – | – | " << interval(b, 100, 1) << " | – |\n";
    }
    for (const auto& method : o_.methods) {
        const auto it = scores_.find(method);
        if (it == scores_.end()) continue;
        const auto mean = stats::seedItemMean(it->second, bo);
        nlohmann::json s{{"method", method}, {"seeds", it->second.size()}, {"pass_at_1", mean.mean}};
        if (mean.interval) s["ci"] = {mean.interval->first, mean.interval->second};
        double tokens = 0, pairs = 0, margins = 0, accuracy = 0, reward = 0;
        int n = 0;
        for (const auto& row : rows_)
            if (row["method"] == method && !row["heldout_pass_at_1"].is_null()) {
                ++n;
                tokens += row.value("sampled_tokens", 0.0);
                pairs += row.value("pairs", 0.0);
                margins += row["train"].value("rewards/margins", 0.0);
                accuracy += row["train"].value("rewards/accuracies", 0.0);
                reward += row["train"].value("reward", 0.0);
            }
        const double k = std::max(1, n);
        s["sampled_tokens"] = tokens / k;
        std::string trainText;
        if (isOffline(method)) {
            s["pairs"] = pairs / k;
            s["rewards/margins"] = margins / k;
            s["rewards/accuracies"] = accuracy / k;
            trainText = "margins " + fixed(margins / k, 2) + ", acc " + fixed(accuracy / k, 2);
        } else {
            s["reward"] = reward / k;
            trainText = "reward " + fixed(reward / k, 2);
        }
        std::string versus = "–";
        const std::string baseline = baselineOf(method);
        if (baseline != method && scores_.count(baseline) &&
            scores_.at(baseline).size() == it->second.size()) {
            std::vector<std::vector<double>> diff = it->second;
            for (size_t seed = 0; seed < diff.size(); ++seed)
                for (size_t i = 0; i < diff[seed].size(); ++i)
                    diff[seed][i] -= scores_.at(baseline)[seed][i];
            const auto d = stats::seedItemMean(diff, bo);
            s["vs"] = {{"baseline", baseline}, {"difference", d.mean}};
            if (d.interval) s["vs"]["ci"] = {d.interval->first, d.interval->second};
            versus = interval(d, 100, 1, true) + " vs " + baseline;
        }
        result.summary.push_back(s);
        recordMetric(project_, result.runId, "pass@1/" + method, 0, mean.mean);
        md << "| " << method << " | " << it->second.size() << " | " << fixed(tokens / k, 0) << " | "
           << (isOffline(method) ? fixed(pairs / k, 0) : "–") << " | " << trainText << " | "
           << interval(mean, 100, 1) << " | " << versus << " |\n";
    }
    result.markdown = md.str();
    result.rows = rows_;

    fs::create_directories(result.outDir);
    std::ofstream(fs::path(result.outDir) / "experiment.md") << result.markdown;
    std::ofstream csv(fs::path(result.outDir) / "experiment.csv");
    csv << "method,seed,run_id,policy,problems,pairs,sampled_tokens,steps,rewards_margins,rewards_accuracies,"
           "reward,"
           "heldout_pass_at_1\n";
    for (const auto& row : rows_) {
        auto num = [](const nlohmann::json& j, const char* key) {
            return j.contains(key) && j[key].is_number() ? fixed(j[key].get<double>(), 6) : std::string();
        };
        csv << row["method"].get<std::string>() << ',' << row["seed"].get<uint64_t>() << ','
            << row["run_id"].get<int64_t>() << ',' << row["policy"].get<std::string>() << ','
            << num(row, "problems") << ',' << num(row, "pairs") << ',' << num(row, "sampled_tokens") << ','
            << num(row, "steps") << ',' << num(row["train"], "rewards/margins") << ','
            << num(row["train"], "rewards/accuracies") << ',' << num(row["train"], "reward") << ','
            << num(row, "heldout_pass_at_1") << '\n';
    }
}

} // namespace

std::string baselineOf(const std::string& method) {
    return isOffline(method) ? "dpo" : "grpo";
}

nlohmann::json ExperimentResult::toJson() const {
    return {{"run_id", runId},   {"summary", summary},     {"rows", rows},      {"markdown", markdown},
            {"out_dir", outDir}, {"cancelled", cancelled}, {"seconds", seconds}};
}

nlohmann::json ExperimentOptions::settings() const {
    return {{"task_seed", taskSeed},
            {"train_pool", trainPool},
            {"train_problems", trainProblems},
            {"samples", samples},
            {"rollouts", rollouts},
            {"selector", selector},
            {"heldout", heldout},
            {"max_new_tokens", maxNewTokens},
            {"dpo",
             {{"steps", dpoSteps},
              {"batch", dpoBatch},
              {"learning_rate", dpoLearningRate},
              {"beta", dpoBeta},
              {"rpo_alpha", dpoRpoAlpha}}},
            {"grpo",
             {{"steps", grpoSteps},
              {"num_generations", grpoGenerations},
              {"batch", grpoBatch},
              {"max_completion_length", grpoCompletion},
              {"learning_rate", grpoLearningRate}}}};
}

ExperimentResult runExperiment(const Registry& registry, const ExperimentOptions& options) {
    return Experiment(registry, options).run();
}

} // namespace gpo::jobs
