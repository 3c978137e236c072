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
#include "train/sft.h"

#include <QTemporaryDir>
#include <QtTest>
#include <filesystem>
#include <fstream>
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
};

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

QTEST_GUILESS_MAIN(TestTrain)
#include "test_train.moc"
