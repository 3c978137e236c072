// Online training beyond plain GRPO: GPO's resets (a failed sample cut into steps, its critical step
// found from rollouts, a continuation drawn there), GPO-GRPO, and PPO with its value head; each run
// stopped and resumed ends exactly where the uninterrupted one does.
#include "data/demo_task.h"
#include "data/verifier.h"
#include "mc/selectors.h"
#include "model/policy.h"
#include "model/weights.h"
#include "train/online_resets.h"
#include "train/ppo_trainer.h"
#include "train/value_head.h"

#include <QTemporaryDir>
#include <QtTest>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

using namespace gpo;
namespace fs = std::filesystem;

class TestOnline : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void stepsStartAfterNewlines();
    void resetsFindPlantedErrors();
    void gpoGrpoAddsResetsToTheirGroups();
    void ppoLearnsAndResumesExactly();
};

namespace {

std::unique_ptr<model::Policy> demoPolicy() {
    return model::Policy::load(GPO_DEMO_POLICY, {"cpu", "float32"});
}

const Gsm8kVerifier& verifier() {
    static const Gsm8kVerifier v;
    return v;
}

std::vector<train::OnlinePrompt> demoPrompts(const model::Policy& policy, int64_t count) {
    std::vector<train::OnlinePrompt> prompts;
    for (int64_t i = 0; i < count; ++i) {
        const DemoProblem p = demoProblem("train", i, 1);
        train::OnlinePrompt o;
        o.problemId = i;
        o.tokens = policy.requireTokenizer().encode(demoPrompt(p.question));
        o.answer = std::to_string(p.answer);
        o.verifier = &verifier();
        prompts.push_back(o);
    }
    return prompts;
}

std::vector<std::string> lines(const std::string& file) {
    std::ifstream in(file);
    std::vector<std::string> out;
    for (std::string line; std::getline(in, line);)
        out.push_back(line);
    return out;
}

void requireSameWeights(const std::string& a, const std::string& b) {
    const auto wa = model::loadWeights(a, at::kFloat, at::kCPU);
    const auto wb = model::loadWeights(b, at::kFloat, at::kCPU);
    for (const auto& [name, t] : wa)
        QVERIFY2(at::equal(t, wb.at(name)), name.c_str());
}

} // namespace

void TestOnline::stepsStartAfterNewlines() {
    auto policy = demoPolicy();
    const model::Tokenizer& tok = policy->requireTokenizer();
    const std::string text = "Ann has 3 apples.\nShe buys 4 more: 3 + 4 = 7.\n\nThe answer is 7.\n";
    const auto ids = tok.encode(text);
    const auto starts = train::stepStarts(tok, ids, 30);
    QCOMPARE(starts.size(), size_t(3)); // the blank line joins the step before; the last newline ends nothing
    auto part = [&](size_t a, size_t b) {
        return tok.decode(
            {ids.begin() + static_cast<std::ptrdiff_t>(a), ids.begin() + static_cast<std::ptrdiff_t>(b)});
    };
    QCOMPARE(part(0, starts[1]), std::string("Ann has 3 apples.\n"));
    QVERIFY(part(starts[2], ids.size()).find("The answer is 7.") != std::string::npos);
    QCOMPARE(train::stepStarts(tok, ids, 2).size(), size_t(2)); // gpo_max_steps folds the rest into the last
    QCOMPARE(train::stepStarts(tok, tok.encode("one line only"), 30).size(), size_t(1));
}

// Planted errors: the solution is right up to a known step, wrong from there. Binary search over the
// demo policy's rollouts finds that step on most of them, and the reset keeps exactly the tokens before it.
void TestOnline::resetsFindPlantedErrors() {
    auto policy = demoPolicy();
    const model::Tokenizer& tok = policy->requireTokenizer();
    std::vector<train::OnlinePrompt> prompts;
    std::vector<int> planted;
    for (int64_t i = 0; i < 8; ++i) {
        const DemoProblem p = demoProblem("test", i, 1, true);
        prompts.push_back(
            {i, tok.encode(demoPrompt(p.question)), std::to_string(p.answer), &verifier(), p.question});
        planted.push_back(p.firstError);
    }
    std::vector<train::ResetCandidate> candidates;
    for (size_t i = 0; i < prompts.size(); ++i) {
        auto completion = tok.encode(demoSolution(demoProblem("test", static_cast<int64_t>(i), 1, true)));
        completion.push_back(policy->eosIds().front());
        candidates.push_back({&prompts[i], completion, 1000 + i});
    }
    train::OnlineGpoSettings s;
    s.rollouts = 8;
    model::SamplingParams sampling;
    sampling.maxNewTokens = 160;
    const mc::BinarySearchSelector selector;
    const auto report = train::resetAtCriticalSteps(*policy, candidates, selector, s, sampling, 7);
    QCOMPARE(report.candidates, int64_t(8));
    QCOMPARE(static_cast<int64_t>(report.samples.size()) + report.noPick, int64_t(8));
    QVERIFY(report.rollouts > 0 && report.sampledTokens > report.rollouts);
    int found = 0;
    for (const auto& r : report.samples) {
        const auto& c = candidates[r.candidate];
        const size_t keep =
            train::stepStarts(tok, c.completion, s.maxSteps)[static_cast<size_t>(r.criticalStep)];
        QVERIFY(std::equal(c.completion.begin(), c.completion.begin() + static_cast<std::ptrdiff_t>(keep),
                           r.completion.begin()));
        QCOMPARE(r.reward, verifier().verify(r.text, c.prompt->answer).correct ? 1.0 : 0.0);
        // One step a line of the solution (its EOS is no step); the pick is where the value drops to 0,
        // never after the planted error, from which no rollout can reach the answer.
        QCOMPARE(static_cast<size_t>(r.steps),
                 demoProblem("test", static_cast<int64_t>(r.candidate), 1, true).steps.size());
        const auto h = static_cast<size_t>(r.criticalStep);
        QVERIFY(r.values[h] > 0);
        QVERIFY(h + 1 == r.values.size() || r.values[h + 1] == 0.0);
        QVERIFY(r.criticalStep <= planted[r.candidate]);
        found += r.criticalStep == planted[r.candidate] ? 1 : 0;
    }
    QVERIFY2(found >= 4, qPrintable(QString("%1 of 8 planted errors found").arg(found)));
    // The same keys draw the same resets.
    const auto again = train::resetAtCriticalSteps(*policy, candidates, selector, s, sampling, 7);
    QCOMPARE(again.samples.size(), report.samples.size());
    for (size_t i = 0; i < again.samples.size(); ++i)
        QVERIFY(again.samples[i].completion == report.samples[i].completion);
}

void TestOnline::gpoGrpoAddsResetsToTheirGroups() {
    QTemporaryDir dir;
    auto probe = demoPolicy();
    const auto prompts = demoPrompts(*probe, 6);
    train::TrainConfig c;
    c.algorithm = train::Algorithm::Grpo;
    c.gpo = true;
    c.dataset = "demo-train";
    c.numGenerations = 4;
    c.batchSize = 8;
    c.maxCompletionLength = 64;
    c.maxSteps = 3;
    c.loggingSteps = 1;
    c.saveSteps = 100;
    c.learningRate = 1e-4;
    c.beta = 0.0;
    c.lossType = "dapo";
    c.gpoOnline.resetsPerGroup = 2;
    const mc::BinarySearchSelector selector;
    std::vector<nlohmann::json> full, resumed;
    train::OnlineTrainOptions o;
    o.gpoSelector = &selector;
    o.outDir = dir.filePath("full").toStdString();
    o.metrics = [&](const nlohmann::json& m) { full.push_back(m); };
    auto a = demoPolicy();
    const auto r = train::trainGrpo(*a, prompts, c, o);
    QCOMPARE(r.steps, int64_t(3));
    double resets = 0;
    for (const auto& m : full) {
        for (const char* key : {"gpo/candidates", "gpo/resets", "gpo/rollouts", "sampled_tokens"})
            QVERIFY2(m.contains(key), (std::string(key) + " in " + m.dump()).c_str());
        resets += m["gpo/resets"].get<double>();
    }
    QVERIFY(resets > 0);
    const auto samples = lines(o.outDir + "/samples.jsonl");
    int64_t resetLines = 0;
    for (const auto& line : samples) {
        const auto j = nlohmann::json::parse(line);
        if (!j.contains("reset")) continue;
        ++resetLines;
        QVERIFY(j["index"].get<int64_t>() >= 4); // after the group's G samples
        QVERIFY(j["reset"]["critical_step"].get<int>() >= 1);
    }
    QCOMPARE(resetLines, static_cast<int64_t>(resets));
    QCOMPARE(static_cast<int64_t>(samples.size()), 3 * 8 + resetLines);
    QVERIFY(r.sampledTokens > full.back()["num_tokens"].get<int64_t>() / 10);

    o.outDir = dir.filePath("stopped").toStdString();
    o.metrics = [&](const nlohmann::json& m) { resumed.push_back(m); };
    int steps = 0;
    o.cancelled = [&] { return ++steps == 2; };
    auto b = demoPolicy();
    QVERIFY(train::trainGrpo(*b, prompts, c, o).cancelled);
    o.cancelled = {};
    o.resume = true;
    auto fromCheckpoint = model::Policy::load(o.outDir + "/checkpoint", {"cpu", "float32"});
    QCOMPARE(train::trainGrpo(*fromCheckpoint, prompts, c, o).steps, int64_t(3));
    QCOMPARE(resumed.size(), full.size());
    for (size_t i = 0; i < full.size(); ++i)
        for (const char* key : {"loss", "reward", "gpo/resets", "sampled_tokens"})
            QVERIFY2(resumed[i][key] == full[i][key],
                     (std::string(key) + " at step " + std::to_string(i + 1)).c_str());
    QVERIFY(lines(o.outDir + "/samples.jsonl") == samples);
    requireSameWeights(dir.filePath("full/final").toStdString(), o.outDir + "/final");
}

void TestOnline::ppoLearnsAndResumesExactly() {
    QTemporaryDir dir;
    auto probe = demoPolicy();
    const auto prompts = demoPrompts(*probe, 10);
    train::TrainConfig c = train::TrainConfig::fromJson({{"algorithm", "ppo"},
                                                         {"dataset", "demo-train"},
                                                         {"per_device_train_batch_size", 2},
                                                         {"gradient_accumulation_steps", 2},
                                                         {"num_mini_batches", 2},
                                                         {"num_ppo_epochs", 2},
                                                         {"max_completion_length", 64},
                                                         {"temperature", 1.0},
                                                         {"learning_rate", 1e-4},
                                                         {"max_steps", 3},
                                                         {"logging_steps", 1},
                                                         {"save_steps", 100}},
                                                        "ppo.json");
    std::vector<nlohmann::json> full, resumed;
    train::OnlineTrainOptions o;
    o.loadReference = demoPolicy;
    o.outDir = dir.filePath("full").toStdString();
    o.metrics = [&](const nlohmann::json& m) { full.push_back(m); };
    auto a = demoPolicy();
    const auto r = train::trainPpo(*a, prompts, c, o);
    QCOMPARE(r.steps, int64_t(3));
    for (const char* key :
         {"loss", "reward", "objective/kl", "objective/scores", "objective/rlhf_reward",
          "objective/non_score_reward", "objective/entropy", "policy/approxkl_avg", "policy/clipfrac_avg",
          "loss/policy_avg", "loss/value_avg", "val/clipfrac_avg", "val/ratio", "val/num_eos_tokens",
          "grad_norm", "learning_rate", "completions/mean_length"})
        QVERIFY2(full[0].contains(key), (std::string(key) + " in " + full[0].dump()).c_str());
    // Policy = reference when the first batch is drawn: no KL yet; the first update's ratio is 1.
    QVERIFY(std::abs(full[0]["objective/kl"].get<double>()) < 1e-9);
    QVERIFY(std::abs(full[0]["val/ratio"].get<double>() - 1.0) < 0.05);
    QVERIFY(full[2]["objective/kl"].get<double>() != 0.0);
    QVERIFY(fs::exists(o.outDir + "/checkpoint/" + train::ValueHead::kFileName));
    QCOMPARE(lines(o.outDir + "/samples.jsonl").size(), size_t(3 * 4));

    o.outDir = dir.filePath("stopped").toStdString();
    o.metrics = [&](const nlohmann::json& m) { resumed.push_back(m); };
    int steps = 0;
    o.cancelled = [&] { return ++steps == 1; };
    auto b = demoPolicy();
    QVERIFY(train::trainPpo(*b, prompts, c, o).cancelled);
    o.cancelled = {};
    o.resume = true;
    auto fromCheckpoint = model::Policy::load(o.outDir + "/checkpoint", {"cpu", "float32"});
    QCOMPARE(train::trainPpo(*fromCheckpoint, prompts, c, o).steps, int64_t(3));
    QCOMPARE(resumed.size(), full.size());
    for (size_t i = 0; i < full.size(); ++i)
        for (const char* key : {"loss", "reward", "loss/value_avg", "objective/kl", "grad_norm"})
            QVERIFY2(resumed[i][key] == full[i][key],
                     (std::string(key) + " at step " + std::to_string(i + 1)).c_str());
    requireSameWeights(dir.filePath("full/final").toStdString(), o.outDir + "/final");
    const auto ha =
        train::ValueHead::load(dir.filePath("full/checkpoint/value_head.safetensors").toStdString(),
                               probe->config().hidden, at::kCPU);
    const auto hb = train::ValueHead::load(o.outDir + "/checkpoint/value_head.safetensors",
                                           probe->config().hidden, at::kCPU);
    QVERIFY(at::equal(ha.parameters()[0], hb.parameters()[0]));

    // With GPO, failed samples are reset and join the batch.
    c.gpo = true;
    c.maxSteps = 2;
    std::vector<nlohmann::json> gpo;
    const mc::BinarySearchSelector selector;
    o = {};
    o.gpoSelector = &selector;
    o.loadReference = demoPolicy;
    o.outDir = dir.filePath("gpo").toStdString();
    o.metrics = [&](const nlohmann::json& m) { gpo.push_back(m); };
    auto g = demoPolicy();
    train::trainPpo(*g, prompts, c, o);
    QVERIFY(gpo[0].contains("gpo/resets"));
    QCOMPARE(static_cast<double>(lines(o.outDir + "/samples.jsonl").size()),
             2 * 4 + gpo[0]["gpo/resets"].get<double>() + gpo[1]["gpo/resets"].get<double>());
}

QTEST_GUILESS_MAIN(TestOnline)
#include "test_online.moc"
