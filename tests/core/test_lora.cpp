// LoRA: an adapter starts at the base model, merges into a plain checkpoint that computes what the base
// with the adapter computes (Llama and GPT-2's transposed Conv1D layout), is saved in PEFT's layout,
// and trains alone: the base weights never move, and a stopped run resumes exactly.
#include "model/logprobs.h"
#include "model/lora.h"
#include "model/policy.h"
#include "model/safetensors.h"
#include "model/weights.h"
#include "train/preference_trainer.h"

#include <QTemporaryDir>
#include <QtTest>
#include <c10/core/GradMode.h>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

using namespace gpo;
namespace fs = std::filesystem;

class TestLora : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void adapterMergesExactly_data();
    void adapterMergesExactly();
    void trainingMovesOnlyTheAdapter();
};

namespace {

const std::vector<std::vector<int32_t>> kTokens = {{1, 5, 9, 14, 3, 7, 21, 2}, {4, 4, 8, 30, 11}};

at::Tensor logprobs(model::Policy& p) {
    c10::NoGradGuard noGrad;
    const auto lp = model::tokenLogprobs(p.model(), kTokens);
    return lp.values * lp.mask.to(at::kFloat);
}

std::unique_ptr<model::Policy> demoPolicy() {
    return model::Policy::load(GPO_DEMO_POLICY, {"cpu", "float32"});
}

} // namespace

void TestLora::adapterMergesExactly_data() {
    QTest::addColumn<QString>("checkpoint");
    QTest::addColumn<QString>("targets");
    QTest::newRow("llama q,v") << QStringLiteral(GPO_FIXTURES "/hf/llama") << QStringLiteral("q_proj,v_proj");
    QTest::newRow("llama all-linear")
        << QStringLiteral(GPO_FIXTURES "/hf/llama") << QStringLiteral("all-linear");
    QTest::newRow("gpt2 c_attn,c_fc")
        << QStringLiteral(GPO_FIXTURES "/hf/gpt2") << QStringLiteral("c_attn,c_fc");
}

void TestLora::adapterMergesExactly() {
    QFETCH(QString, checkpoint);
    QFETCH(QString, targets);
    QTemporaryDir dir;
    auto policy = model::Policy::load(checkpoint.toStdString(), {"cpu", "float32"});
    const at::Tensor base = logprobs(*policy);
    model::LoraSpec spec;
    spec.r = 4;
    spec.alpha = 8;
    for (const auto& t : targets.split(','))
        spec.targetModules.push_back(t.toStdString());
    spec.targetModules.erase(spec.targetModules.begin(),
                             spec.targetModules.begin() + 2); // PEFT's q,v default
    auto adapter = model::LoraAdapter::create(policy->model(), spec);
    policy->model().attachLora(adapter);
    QVERIFY(at::equal(logprobs(*policy), base)); // B = 0: the adapter starts at the base model
    {
        c10::NoGradGuard noGrad;
        at::manual_seed(3);
        for (auto& p : adapter->parameters())
            p.add_(at::randn_like(p) * 0.05);
    }
    const at::Tensor adapted = logprobs(*policy);
    QVERIFY((adapted - base).abs().max().item<double>() > 1e-4);

    const std::string out = dir.filePath("adapter").toStdString();
    adapter->save(out, checkpoint.toStdString());
    const auto config = nlohmann::json::parse(std::ifstream(out + "/adapter_config.json"));
    QCOMPARE(config["peft_type"].get<std::string>(), std::string("LORA"));
    QCOMPARE(config["r"].get<int>(), 4);
    QCOMPARE(config["fan_in_fan_out"].get<bool>(), checkpoint.endsWith("gpt2"));
    // PEFT loads layer names only: "all-linear" is written out as the layers it covered.
    const auto written = config["target_modules"].get<std::vector<std::string>>();
    QVERIFY(std::find(written.begin(), written.end(), "all-linear") == written.end());
    if (targets == QStringLiteral("all-linear")) QCOMPARE(written.size(), size_t(7));
    const model::SafetensorsFile file(out + "/adapter_model.safetensors");
    const std::string first = checkpoint.endsWith("gpt2")
                                  ? "base_model.model.transformer.h.0.attn.c_attn.lora_A.weight"
                                  : "base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight";
    QVERIFY2(file.find(first), first.c_str());

    // The adapter folder loads as its base with the update merged in, and so does a merged checkpoint.
    auto merged = model::Policy::load(out, {"cpu", "float32"});
    QVERIFY(merged->model().lora() == nullptr);
    double diff = (logprobs(*merged) - adapted).abs().max().item<double>();
    QVERIFY2(diff < 1e-5, qPrintable(QString::number(diff)));
    policy->saveMerged(dir.filePath("merged").toStdString());
    auto plain = model::Policy::load(dir.filePath("merged").toStdString(), {"cpu", "float32"});
    diff = (logprobs(*plain) - adapted).abs().max().item<double>();
    QVERIFY2(diff < 1e-5, qPrintable(QString::number(diff)));
}

void TestLora::trainingMovesOnlyTheAdapter() {
    QTemporaryDir dir;
    std::vector<PreferencePair> pairs;
    for (int i = 0; i < 8; ++i) {
        PreferencePair p;
        p.prompt =
            "Question: Ann has " + std::to_string(i + 2) + " coins and finds 2 more. How many?\nAnswer:\n";
        p.chosen = "The answer is " + std::to_string(i + 4) + ".";
        p.rejected = "The answer is " + std::to_string(i + 5) + ".";
        pairs.push_back(p);
    }
    train::TrainConfig c = train::TrainConfig::fromJson({{"pairs", "coins"},
                                                         {"learning_rate", 1e-2},
                                                         {"per_device_train_batch_size", 4},
                                                         {"max_steps", 6},
                                                         {"logging_steps", 1},
                                                         {"save_steps", 100},
                                                         {"use_peft", true},
                                                         {"lora_r", 4},
                                                         {"lora_alpha", 8},
                                                         {"lora_dropout", 0.1},
                                                         {"lora_target_modules", "all-linear"}},
                                                        "lora.json");
    auto run = [&](const std::string& out, std::function<bool()> cancelled, bool resume,
                   std::vector<nlohmann::json>& log) {
        auto policy = demoPolicy();
        policy->model().attachLora(
            resume ? model::LoraAdapter::load(out + "/checkpoint", policy->model())
                   : model::LoraAdapter::create(policy->model(), {4, 8, 0.1, {"all-linear"}, c.seed}));
        train::TrainerOptions o;
        o.outDir = out;
        o.resume = resume;
        o.cancelled = std::move(cancelled);
        o.loadReference = demoPolicy;
        o.metrics = [&](const nlohmann::json& m) { log.push_back(m); };
        return std::make_pair(train::trainOnPreferences(*policy, pairs, c, o), std::move(policy));
    };
    std::vector<nlohmann::json> full, resumed;
    const std::string a = dir.filePath("full").toStdString();
    auto [result, trained] = run(a, {}, false, full);
    QCOMPARE(result.steps, int64_t(6));
    QVERIFY(full.back()["rewards/margins"].get<double>() > 0);
    // The base never moved: every base tensor equals the shipped checkpoint's.
    const auto shipped = model::loadWeights(GPO_DEMO_POLICY, at::kFloat, at::kCPU);
    for (const auto& [name, t] : trained->model().weights())
        QVERIFY2(at::equal(t, shipped.at(name)), name.c_str());
    // The checkpoint is the adapter alone (PEFT's layout); final is the merged policy.
    QVERIFY(fs::exists(a + "/checkpoint/adapter_config.json") &&
            fs::exists(a + "/checkpoint/adapter_model.safetensors"));
    QVERIFY(!fs::exists(a + "/checkpoint/model.safetensors"));
    const auto merged = model::loadWeights(a + "/final", at::kFloat, at::kCPU);
    QVERIFY(!at::equal(merged.at("model.layers.0.self_attn.q_proj.weight"),
                       shipped.at("model.layers.0.self_attn.q_proj.weight")));
    QVERIFY(at::equal(merged.at("model.norm.weight"), shipped.at("model.norm.weight")));

    // Stopped after step 2 and resumed from the adapter checkpoint: the same metrics (dropout included).
    const std::string b = dir.filePath("stopped").toStdString();
    int steps = 0;
    QVERIFY(run(
                b, [&] { return ++steps == 2; }, false, resumed)
                .first.cancelled);
    QCOMPARE(run(b, {}, true, resumed).first.steps, int64_t(6));
    QCOMPARE(resumed.size(), full.size());
    for (size_t i = 0; i < full.size(); ++i)
        QVERIFY2(resumed[i]["loss"] == full[i]["loss"] && resumed[i]["grad_norm"] == full[i]["grad_norm"],
                 (resumed[i].dump() + " vs " + full[i].dump()).c_str());
    const auto m2 = model::loadWeights(b + "/final", at::kFloat, at::kCPU);
    for (const auto& [name, t] : merged)
        QVERIFY2(at::equal(t, m2.at(name)), name.c_str());
}

QTEST_GUILESS_MAIN(TestLora)
#include "test_lora.moc"
