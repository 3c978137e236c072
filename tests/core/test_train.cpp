// Training pieces: the demo task generator, BPE training, SFT (loss falls; a resumed run equals an
// uninterrupted one) and checkpoints that HF-format readers load.
#include "data/demo_task.h"
#include "data/verifier.h"
#include "model/bpe_trainer.h"
#include "model/initialize.h"
#include "model/policy.h"
#include "model/safetensors.h"
#include "model/tokenizer.h"
#include "model/weights.h"
#include "train/grpo_trainer.h"
#include "train/preference_trainer.h"
#include "train/setting_help.h"
#include "train/sft.h"

#include <QTemporaryDir>
#include <QtTest>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

using namespace gpo;
namespace fs = std::filesystem;

class TestTrain : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void demoTaskIsReproducibleAndVerifiable();
    void demoTaskPlantsFirstErrors();
    void bpeTrainingRoundTrips();
    void sftLowersLossAndResumesExactly();
    void preferenceTrainingResumesExactly();
    void everyPreferenceAlgorithmTrains();
    void grpoLearnsOnlineAndResumesExactly();
    void bf16AutocastStaysCloseToFloat32();
};

namespace {

/// Pairs a policy can learn: the right total against one off by one.
std::vector<PreferencePair> coinPairs(int n) {
    std::vector<PreferencePair> pairs;
    for (int i = 0; i < n; ++i) {
        PreferencePair p;
        p.prompt = "Question: Ann has " + std::to_string(i + 2) +
                   " coins. Then Ann finds 2 more coins. How many "
                   "coins does Ann have now?\nAnswer:\n";
        p.chosen = "Ann starts with " + std::to_string(i + 2) + " coins.\nThe answer is " +
                   std::to_string(i + 4) + ".";
        p.rejected = "Ann starts with " + std::to_string(i + 2) + " coins.\nThe answer is " +
                     std::to_string(i + 5) + ".";
        pairs.push_back(p);
    }
    return pairs;
}

train::TrainConfig smallRun(train::Algorithm algorithm) {
    train::TrainConfig c;
    c.algorithm = algorithm;
    c.pairs.set = "coins";
    c.learningRate = 1e-3;
    c.batchSize = 4;
    c.maxSteps = 6;
    c.loggingSteps = 1;
    c.saveSteps = 100;
    c.seed = 7;
    c.lrSchedulerType = "cosine";
    c.warmupSteps = 1;
    return c;
}

std::unique_ptr<model::Policy> demoPolicy() {
    return model::Policy::load(GPO_DEMO_POLICY, {"cpu", "float32"});
}

} // namespace

void TestTrain::demoTaskIsReproducibleAndVerifiable() {
    const Gsm8kVerifier verifier;
    for (int64_t i = 0; i < 300; ++i) {
        const DemoProblem p = demoProblem("test", i, 1);
        QVERIFY(p.steps.size() >= 3 && p.steps.size() <= 8);
        QCOMPARE(p.firstError, -1);
        std::string solution;
        for (const auto& s : p.steps)
            solution += s + "\n";
        QVERIFY2(verifier.verify(solution, std::to_string(p.answer)).correct, solution.c_str());
        QCOMPARE(demoProblem("test", i, 1).question, p.question);
    }
    QVERIFY(demoProblem("train", 0, 1).question != demoProblem("test", 0, 1).question);
    QVERIFY(demoProblem("train", 0, 1).question != demoProblem("train", 0, 2).question);
    const Record r = demoRecord(demoProblem("train", 3, 1), "train", 3);
    QCOMPARE(r.problem.verifier, std::string("gsm8k"));
    QCOMPARE(r.trajectories.at(0).steps.size(), demoProblem("train", 3, 1).steps.size());
}

void TestTrain::demoTaskPlantsFirstErrors() {
    const Gsm8kVerifier verifier;
    for (int64_t i = 0; i < 200; ++i) {
        const DemoProblem clean = demoProblem("test", i, 1), bad = demoProblem("test", i, 1, true);
        QCOMPARE(bad.question, clean.question);
        QVERIFY(bad.firstError >= 1 && bad.firstError < static_cast<int>(bad.steps.size()) - 1);
        for (int s = 0; s < bad.firstError; ++s)
            QCOMPARE(bad.steps[static_cast<size_t>(s)], clean.steps[static_cast<size_t>(s)]);
        QVERIFY(bad.steps[static_cast<size_t>(bad.firstError)] !=
                clean.steps[static_cast<size_t>(bad.firstError)]);
        QVERIFY(!verifier.verify(bad.steps.back(), std::to_string(bad.answer)).correct);
    }
}

void TestTrain::bpeTrainingRoundTrips() {
    QTemporaryDir dir;
    std::vector<std::string> corpus;
    for (int64_t i = 0; i < 300; ++i)
        corpus.push_back(demoTrainingText(demoProblem("train", i, 1)));
    const std::string path = dir.filePath("tokenizer.json").toStdString();
    model::trainByteLevelBpe(corpus, {512, {"<|endoftext|>"}}, path);
    const auto tok = model::Tokenizer::fromTokenizerJson(path);
    QCOMPARE(tok.vocabSize(), 512);
    QCOMPARE(*tok.tokenId("<|endoftext|>"), 511);
    QVERIFY(tok.encode(corpus[7]).size() * 3 < corpus[7].size()); // merges learnt from the corpus compress it
    const std::string text = corpus.front() + "Ünïcödé 🙂 never seen <|endoftext|>";
    const auto ids = tok.encode(text);
    QCOMPARE(ids.back(), 511);
    QCOMPARE(tok.decode(ids), text);
}

void TestTrain::sftLowersLossAndResumesExactly() {
    QTemporaryDir dir;
    model::SmallModelShape shape{64, 32, 2, 2, 1, 64, 64, true};
    const model::ModelConfig config = model::smallModelConfig(shape);
    auto source = [](int64_t index) {
        train::SftExample e; // a learnable pattern: count up from a start token
        const auto start = static_cast<int32_t>(index % 20);
        for (int32_t k = 0; k < 12; ++k)
            e.tokens.push_back((start + k) % 64);
        e.promptTokens = 2;
        return e;
    };
    train::SftOptions o;
    o.steps = 60;
    o.batchSize = 8;
    o.lr = 1e-2;
    o.minLr = 1e-3;
    o.warmup = 5;
    o.logEvery = 10;
    o.checkpointEvery = 30;
    std::vector<double> losses;
    auto collect = [&](const nlohmann::json& m) { losses.push_back(m["loss"].get<double>()); };

    o.outDir = dir.filePath("full").toStdString();
    auto full = model::Policy::fromWeights(config, model::initialWeights(config, 3, at::TensorOptions()));
    train::runSft(*full, source, o, collect);
    QVERIFY2(losses.back() < losses.front() * 0.5,
             qPrintable(QString("%1 -> %2").arg(losses.front()).arg(losses.back())));
    QVERIFY(fs::exists(o.outDir + "/model.safetensors") && fs::exists(o.outDir + "/optimizer.safetensors"));

    // The same run killed after its step-30 checkpoint (the sink throws at step 40), then resumed.
    o.outDir = dir.filePath("resumed").toStdString();
    auto killed = model::Policy::fromWeights(config, model::initialWeights(config, 3, at::TensorOptions()));
    bool threw = false;
    try {
        train::runSft(*killed, source, o, [](const nlohmann::json& m) {
            if (m["step"] == 40) throw std::runtime_error("killed");
        });
    } catch (const std::runtime_error&) {
        threw = true;
    }
    QVERIFY(threw);
    auto resumed = model::Policy::load(o.outDir, {"cpu", "float32"});
    o.resume = true;
    train::runSft(*resumed, source, o, nullptr);
    const auto a = model::loadWeights(dir.filePath("full").toStdString(), at::kFloat, at::kCPU);
    const auto b = model::loadWeights(o.outDir, at::kFloat, at::kCPU);
    double maxDiff = 0;
    for (const auto& [name, t] : a)
        maxDiff = std::max(maxDiff, (t - b.at(name)).abs().max().item<double>());
    QVERIFY2(maxDiff < 1e-5, qPrintable(QString::number(maxDiff)));
}

// A DPO run stopped after step 3 and resumed from its checkpoint ends with exactly the weights and the
// metrics of the run that was never stopped.
void TestTrain::preferenceTrainingResumesExactly() {
    QTemporaryDir dir;
    const auto pairs = coinPairs(10);
    const train::TrainConfig c = smallRun(train::Algorithm::Dpo);
    std::vector<nlohmann::json> full, resumed;
    train::TrainerOptions o;
    o.loadReference = demoPolicy;
    o.outDir = dir.filePath("full").toStdString();
    o.metrics = [&](const nlohmann::json& m) { full.push_back(m); };
    auto a = demoPolicy();
    const auto r = train::trainOnPreferences(*a, pairs, c, o);
    QCOMPARE(r.steps, int64_t(6));
    QCOMPARE(r.examples, int64_t(10));
    QCOMPARE(full.size(), size_t(6));
    // Policy = reference at the start: DPO's loss is ln 2 and every reward 0.
    QVERIFY2(std::abs(full[0]["loss"].get<double>() - std::log(2.0)) < 1e-5, full[0].dump().c_str());
    QVERIFY(full.back()["rewards/margins"].get<double>() > full[0]["rewards/margins"].get<double>());
    for (const char* key : {"loss", "rewards/chosen", "rewards/rejected", "rewards/accuracies",
                            "rewards/margins", "logps/chosen", "logps/rejected", "learning_rate", "grad_norm",
                            "epoch", "num_tokens", "tokens_per_s"})
        QVERIFY2(full.back().contains(key), key);
    QVERIFY(fs::exists(o.outDir + "/final/model.safetensors"));
    QVERIFY(fs::exists(o.outDir + "/reference_logps.safetensors"));

    o.outDir = dir.filePath("stopped").toStdString();
    o.metrics = [&](const nlohmann::json& m) { resumed.push_back(m); };
    int steps = 0;
    o.cancelled = [&] { return ++steps == 3; };
    auto b = demoPolicy();
    const auto stopped = train::trainOnPreferences(*b, pairs, c, o);
    QVERIFY(stopped.cancelled);
    QCOMPARE(stopped.steps, int64_t(3));
    QVERIFY(!fs::exists(o.outDir + "/final"));
    o.cancelled = {};
    o.resume = true;
    o.loadReference = []() -> std::unique_ptr<model::Policy> {
        throw std::runtime_error("the stored reference log-probs must be used");
    };
    auto fromCheckpoint = model::Policy::load(o.outDir + "/checkpoint", {"cpu", "float32"});
    const auto finished = train::trainOnPreferences(*fromCheckpoint, pairs, c, o);
    QCOMPARE(finished.steps, int64_t(6));
    QCOMPARE(resumed.size(), full.size());
    for (size_t i = 0; i < full.size(); ++i)
        for (const char* key : {"loss", "rewards/margins", "grad_norm", "learning_rate"})
            QVERIFY2(resumed[i][key] == full[i][key],
                     (std::string(key) + " at step " + std::to_string(i + 1) + ": " + resumed[i].dump() +
                      " vs " + full[i].dump())
                         .c_str());
    const auto wa = model::loadWeights(dir.filePath("full/final").toStdString(), at::kFloat, at::kCPU);
    const auto wb = model::loadWeights(o.outDir + "/final", at::kFloat, at::kCPU);
    for (const auto& [name, t] : wa)
        QVERIFY2(at::equal(t, wb.at(name)), name.c_str());
}

void TestTrain::everyPreferenceAlgorithmTrains() {
    QTemporaryDir dir;
    const auto pairs = coinPairs(8);
    for (const auto algorithm : {train::Algorithm::Kto, train::Algorithm::Simpo, train::Algorithm::Orpo}) {
        train::TrainConfig c = smallRun(algorithm);
        c.maxSteps = 3;
        std::vector<nlohmann::json> log;
        train::TrainerOptions o;
        o.loadReference = demoPolicy;
        o.outDir = dir.filePath(QString::fromStdString(train::algorithmName(algorithm))).toStdString();
        o.metrics = [&](const nlohmann::json& m) { log.push_back(m); };
        auto policy = demoPolicy();
        const auto r = train::trainOnPreferences(*policy, pairs, c, o);
        QCOMPARE(r.steps, int64_t(3));
        QCOMPARE(r.examples,
                 int64_t(algorithm == train::Algorithm::Kto ? 16 : 8)); // KTO: each side an example
        for (const auto& m : log)
            QVERIFY2(std::isfinite(m["loss"].get<double>()), m.dump().c_str());
        if (algorithm == train::Algorithm::Kto) QVERIFY(log[0].contains("kl"));
        if (algorithm == train::Algorithm::Orpo)
            QVERIFY(log[0].contains("nll_loss") && log[0].contains("log_odds_ratio"));
    }
    // A bad config names its key and file before anything runs.
    auto refused = [](const nlohmann::json& j) {
        try {
            train::TrainConfig::fromJson(j, "run.json");
        } catch (const std::invalid_argument& e) {
            return std::string(e.what());
        }
        return std::string();
    };
    QVERIFY(
        refused({{"pairs", "x"}, {"learning_rat", 1e-5}}).find("run.json: \"learning_rat\": unknown key") ==
        0);
    QVERIFY(refused({{"pairs", "x"}, {"beta", "high"}}).find("\"beta\": must be a number") !=
            std::string::npos);
    QVERIFY(refused({{"pairs", "x"}, {"label_smoothing", 0.1}}).find("cdpo") != std::string::npos);
    QVERIFY(refused({{"algorithm", "ppo"}, {"pairs", "x"}}).find("\"dataset\": missing") !=
            std::string::npos);
    QVERIFY(refused({{"algorithm", "ppo"}, {"dataset", "d"}, {"num_generations", 4}})
                .find("one completion per prompt") != std::string::npos);
    QVERIFY(
        refused({{"algorithm", "grpo"}, {"dataset", "d"}, {"gpo_explore_num", 4}}).find("online GPO only") !=
        std::string::npos);
    QVERIFY(refused({{"pairs", "x"}, {"lora_r", 8}}).find("use_peft") != std::string::npos);
    QVERIFY(refused({{"pairs", "x"}, {"use_peft", true}, {"lora_target_modules", {"qkv"}}})
                .find("'qkv' is not a linear layer") != std::string::npos);
    QVERIFY(refused({{"pairs", "x"}, {"eval_steps", 5}}).find("eval_dataset") != std::string::npos);
    QVERIFY(refused({{"pairs", "x"}, {"temperature", 0.7}}).find("online setting") != std::string::npos);
    const auto ppo = train::TrainConfig::fromJson({{"algorithm", "ppo"}, {"dataset", "d"}}, "run.json");
    QCOMPARE(ppo.learningRate, 3e-6); // TRL's PPOConfig defaults
    QCOMPARE(ppo.temperature, 0.7);
    QCOMPARE(ppo.numPpoEpochs, int64_t(4));
    QCOMPARE(train::TrainConfig::fromJson(ppo.toJson(), "again").toJson(), ppo.toJson());
    QVERIFY(refused({{"algorithm", "grpo"}}).find("\"dataset\": missing") != std::string::npos);
    QVERIFY(refused({{"algorithm", "grpo"}, {"dataset", "d"}, {"per_device_train_batch_size", 6}})
                .find("multiple of num_generations") != std::string::npos);
    const auto grpo = train::TrainConfig::fromJson({{"algorithm", "grpo"}, {"dataset", "d"}}, "run.json");
    QCOMPARE(grpo.beta, 0.0); // TRL's GRPO default, not DPO's 0.1
    QCOMPARE(grpo.lossType, std::string("dapo"));
    QVERIFY(refused({{"algorithm", "dpo"}}).find("\"pairs\": missing") != std::string::npos);
    QVERIFY(refused({{"pairs", "x"}, {"per_device_train_batch_size", 0}}).find("between 1") !=
            std::string::npos);
    const auto ok = train::TrainConfig::fromJson({{"pairs", "x"}, {"loss_type", "ipo"}}, "run.json");
    QCOMPARE(train::TrainConfig::fromJson(ok.toJson(), "again").toJson(), ok.toJson());
    // The launch dialog describes every setting a config of any algorithm can hold.
    for (const std::string algorithm : {"dpo", "kto", "simpo", "orpo", "grpo", "ppo"})
        for (bool gpo : {false, true}) {
            nlohmann::json j{{"algorithm", algorithm}, {"gpo", gpo}, {"use_peft", true}};
            if (algorithm == "grpo" || algorithm == "ppo")
                j["dataset"] = "d";
            else
                j["pairs"] = "x";
            const nlohmann::json settings = train::TrainConfig::fromJson(j, "run.json").toJson();
            for (const auto& [key, value] : settings.items())
                QVERIFY2(train::settingHelp().count(key), (key + " of " + algorithm).c_str());
        }
}

// GRPO on demo-task prompts: groups sampled, graded and learned from; a run stopped after step 2 and
// resumed samples and learns exactly what the uninterrupted run does.
void TestTrain::grpoLearnsOnlineAndResumesExactly() {
    QTemporaryDir dir;
    auto probe = demoPolicy();
    const Gsm8kVerifier verifier;
    std::vector<train::OnlinePrompt> prompts;
    for (int64_t i = 0; i < 6; ++i) {
        const DemoProblem p = demoProblem("train", i, 1);
        train::OnlinePrompt o;
        o.problemId = i;
        o.tokens = probe->requireTokenizer().encode(demoPrompt(p.question));
        o.answer = std::to_string(p.answer);
        o.verifier = &verifier;
        prompts.push_back(o);
    }
    train::TrainConfig c;
    c.algorithm = train::Algorithm::Grpo;
    c.dataset = "demo-train";
    c.numGenerations = 4;
    c.batchSize = 8; // two prompts a step
    c.maxCompletionLength = 48;
    c.maxSteps = 4;
    c.loggingSteps = 1;
    c.saveSteps = 100;
    c.learningRate = 1e-4;
    c.beta = 0.0;
    c.lossType = "dapo";
    std::vector<nlohmann::json> full, resumed;
    train::OnlineTrainOptions o;
    o.outDir = dir.filePath("full").toStdString();
    o.metrics = [&](const nlohmann::json& m) { full.push_back(m); };
    auto a = demoPolicy();
    train::TrainResult r;
    try {
        r = train::trainGrpo(*a, prompts, c, o);
    } catch (const std::exception& e) {
        QFAIL(e.what());
    }
    QCOMPARE(r.steps, int64_t(4));
    QCOMPARE(full.size(), size_t(4));
    for (const char* key : {"loss", "reward", "reward_std", "frac_reward_zero_std", "completions/mean_length",
                            "completions/clipped_ratio", "clip_ratio/region_mean", "grad_norm",
                            "learning_rate", "generation_s", "learning_s"})
        QVERIFY2(full[0].contains(key), key);
    QVERIFY(full[0]["reward"].get<double>() >= 0 && full[0]["reward"].get<double>() <= 1);
    QCOMPARE(full[0]["clip_ratio/region_mean"].get<double>(), 0.0); // one iteration: the ratio is 1
    auto lines = [](const std::string& file) {
        std::ifstream in(file);
        std::vector<std::string> out;
        for (std::string line; std::getline(in, line);)
            out.push_back(line);
        return out;
    };
    const auto samples = lines(o.outDir + "/samples.jsonl");
    QCOMPARE(samples.size(), size_t(4 * 8)); // every completion of every step, with reward and advantage
    QVERIFY(nlohmann::json::parse(samples.front()).contains("advantage"));

    o.outDir = dir.filePath("stopped").toStdString();
    o.metrics = [&](const nlohmann::json& m) { resumed.push_back(m); };
    int steps = 0;
    o.cancelled = [&] { return ++steps == 2; };
    auto b = demoPolicy();
    QVERIFY(train::trainGrpo(*b, prompts, c, o).cancelled);
    o.cancelled = {};
    o.resume = true;
    auto fromCheckpoint = model::Policy::load(o.outDir + "/checkpoint", {"cpu", "float32"});
    QCOMPARE(train::trainGrpo(*fromCheckpoint, prompts, c, o).steps, int64_t(4));
    QCOMPARE(resumed.size(), full.size());
    for (size_t i = 0; i < full.size(); ++i)
        for (const char* key : {"loss", "reward", "grad_norm", "completions/mean_length"})
            QVERIFY2(resumed[i][key] == full[i][key],
                     (std::string(key) + " at step " + std::to_string(i + 1)).c_str());
    QVERIFY(lines(o.outDir + "/samples.jsonl") == samples);
    const auto wa = model::loadWeights(dir.filePath("full/final").toStdString(), at::kFloat, at::kCPU);
    const auto wb = model::loadWeights(o.outDir + "/final", at::kFloat, at::kCPU);
    for (const auto& [name, t] : wa)
        QVERIFY2(at::equal(t, wb.at(name)), name.c_str());

    // With beta, the k3 KL to the reference is logged (0 at the first step: policy = reference).
    c.beta = 0.04;
    c.maxSteps = 1;
    std::vector<nlohmann::json> kl;
    o = {};
    o.outDir = dir.filePath("kl").toStdString();
    o.loadReference = demoPolicy;
    o.metrics = [&](const nlohmann::json& m) { kl.push_back(m); };
    auto k = demoPolicy();
    train::trainGrpo(*k, prompts, c, o);
    QVERIFY(kl[0].contains("kl") && std::abs(kl[0]["kl"].get<double>()) < 1e-6);
}

// bf16: the forward passes run in bfloat16 (their log-probs differ from float32's, slightly), while the
// weights and the optimizer stay float32.
void TestTrain::bf16AutocastStaysCloseToFloat32() {
    QTemporaryDir dir;
    const auto pairs = coinPairs(8);
    train::TrainConfig c = smallRun(train::Algorithm::Dpo);
    c.maxSteps = 2;
    std::map<bool, nlohmann::json> first;
    for (const bool bf16 : {false, true}) {
        c.bf16 = bf16;
        train::TrainerOptions o;
        o.loadReference = demoPolicy;
        o.outDir = dir.filePath(bf16 ? "bf16" : "f32").toStdString();
        o.metrics = [&](const nlohmann::json& m) {
            if (!first.count(bf16)) first[bf16] = m;
        };
        auto policy = demoPolicy();
        train::trainOnPreferences(*policy, pairs, c, o);
        QCOMPARE(policy->model().weights().at("model.norm.weight").scalar_type(), at::kFloat);
    }
    const double a = first[false]["logps/chosen"].get<double>(),
                 b = first[true]["logps/chosen"].get<double>();
    QVERIFY2(a != b && std::abs(a - b) < 0.02 * std::abs(a), qPrintable(QString("%1 vs %2").arg(a).arg(b)));
}

QTEST_GUILESS_MAIN(TestTrain)
#include "test_train.moc"
