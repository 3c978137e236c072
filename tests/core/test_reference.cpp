// Parity with the libraries themselves, on fixtures their own scripts wrote (tests/reference/*.py):
// TRL's preference trainers, step by step over 5 AdamW steps, and GRPOTrainer's step on a fixed batch;
// LoRA adapters both ways with PEFT.
#include "model/policy.h"
#include "model/safetensors.h"
#include "model/tokenizer.h"
#include "model/torch_util.h"
#include "model/transformer.h"
#include "train/completion_encoding.h"
#include "train/grpo_step.h"
#include "train/preference_trainer.h"

#include <QTemporaryDir>
#include <QtTest>
#include <c10/core/InferenceMode.h>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

using namespace gpo;

namespace {

const std::string kTrl = std::string(GPO_FIXTURES) + "/reference/trl";

nlohmann::json readJson(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot read " + path);
    return nlohmann::json::parse(in);
}

std::vector<PreferencePair> readPairs(const std::string& path) {
    std::ifstream in(path);
    std::vector<PreferencePair> pairs;
    for (std::string line; std::getline(in, line);) {
        const auto j = nlohmann::json::parse(line);
        PreferencePair p;
        p.prompt = j["prompt"];
        p.chosen = j["chosen"].get<std::string>();
        p.rejected = j["rejected"].get<std::string>();
        pairs.push_back(std::move(p));
    }
    return pairs;
}

/// One data row per case of a fixture file, named by the case, carrying its index.
void addCaseRows(const std::string& file) {
    QTest::addColumn<int>("index");
    const auto expected = readJson(file);
    for (size_t i = 0; i < expected["cases"].size(); ++i)
        QTest::newRow(expected["cases"][i]["name"].get<std::string>().c_str()) << static_cast<int>(i);
}

std::unique_ptr<model::Policy> trlModel() {
    return model::Policy::load(kTrl + "/model", {"cpu", "float32"});
}

/// |ours − TRL| as a fraction of the stated tolerance: relative 1e-4, with an absolute floor of 1e-6 for
/// figures that are 0. `kl` and `rewards/*` are (β times) differences of float32 sums of up to ~120 nats,
/// whose spacing there is 7.6e-6, and KTO's margins a difference of two such means: their floor is 1e-5
/// (seen: 1.1e-6 apart on PyPI's LibTorch, whose MKL sums in another order than OpenBLAS).
constexpr double kRel = 1e-4;
double excess(const std::string& key, double ours, double theirs) {
    const double floor = key == "kl" || key.rfind("rewards/", 0) == 0 ? 1e-5 : 1e-6;
    return std::abs(ours - theirs) / (kRel * std::abs(theirs) + floor);
}

// What TRL logs that gpo does not compute: the mean logits over the vocabulary and the entropy (the
// studio plots neither) and KTO's running token count (gpo counts it per step, as tokens_per_s uses it).
// TRL 1.x's DPO also logs mean_token_accuracy (argmax hits among completion tokens), a diagnostic the studio
// does not show either.
const std::set<std::string> kNotLogged = {"logits/chosen", "logits/rejected", "entropy", "num_tokens",
                                          "mean_token_accuracy"};

} // namespace

class TestReference : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void trlTokenizationIsGpos();
    void trlPreferenceTrainersStepForStep_data();
    void trlPreferenceTrainersStepForStep();
    void trlGrpoOnAFixedBatch_data();
    void trlGrpoOnAFixedBatch();
    void peftAdaptersBothWays_data();
    void peftAdaptersBothWays();
};

// TRL tokenizes prompt + completion together and takes the prompt as their common prefix; gpo tokenizes
// them apart. On prompts that end on a token boundary the ids must be the same, EOS included.
void TestReference::trlTokenizationIsGpos() {
    const auto expected = readJson(kTrl + "/expected.json");
    const auto pairs = readPairs(kTrl + "/pairs.jsonl");
    const auto policy = trlModel();
    const model::Tokenizer& tok = policy->requireTokenizer();
    const int32_t eos = policy->eosIds().front();
    QCOMPARE(pairs.size(), expected["token_ids"].size());
    for (size_t i = 0; i < pairs.size(); ++i) {
        const auto& ids = expected["token_ids"][i];
        for (const char* side : {"chosen", "rejected"}) {
            const auto e = train::encodeCompletion(
                tok, pairs[i].prompt, std::string(side) == "chosen" ? *pairs[i].chosen : *pairs[i].rejected,
                eos);
            std::vector<int32_t> want = ids["prompt"].get<std::vector<int32_t>>();
            QCOMPARE(e.promptTokens, static_cast<int64_t>(want.size()));
            for (const int32_t t : ids[side].get<std::vector<int32_t>>())
                want.push_back(t);
            QCOMPARE(e.tokens, want);
        }
    }
}

void TestReference::trlPreferenceTrainersStepForStep_data() {
    addCaseRows(kTrl + "/expected.json");
}

// Every logged step's loss, grad_norm, learning_rate and metrics of TRL's DPOTrainer (sigmoid, ipo),
// CPOTrainer (simpo, pure and at TRL's default cpo_alpha), ORPOTrainer and KTOTrainer, from the same
// model, pairs and AdamW settings.
void TestReference::trlPreferenceTrainersStepForStep() {
    QFETCH(int, index);
    const auto expected = readJson(kTrl + "/expected.json");
    const auto& tc = expected["cases"][static_cast<size_t>(index)];
    nlohmann::json cfg = tc["gpo_config"];
    cfg["pairs"] = "trl-fixture";
    const train::TrainConfig c = train::TrainConfig::fromJson(cfg, "expected.json");
    QTemporaryDir dir;
    std::vector<nlohmann::json> log;
    train::TrainerOptions o;
    o.loadReference = trlModel;
    o.outDir = dir.path().toStdString();
    o.metrics = [&](const nlohmann::json& m) { log.push_back(m); };
    const auto policy = trlModel();
    train::trainOnPreferences(*policy, readPairs(kTrl + "/pairs.jsonl"), c, o);
    const auto& theirs = tc["log_history"];
    QCOMPARE(log.size(), theirs.size());
    double worst = 0;
    std::string worstAt;
    for (size_t s = 0; s < log.size(); ++s)
        for (const auto& [key, value] : theirs[s].items()) {
            if (key == "step" || kNotLogged.count(key)) continue;
            QVERIFY2(log[s].contains(key), (key + " is not logged at step " + std::to_string(s + 1)).c_str());
            const double ours = log[s][key].get<double>(), trl = value.get<double>();
            const double x = excess(key, ours, trl);
            if (x > worst) {
                worst = x;
                worstAt = key + " at step " + std::to_string(s + 1) + ": gpo " + std::to_string(ours) +
                          ", TRL " + std::to_string(trl);
            }
            if (qEnvironmentVariableIsSet("GPO_REFERENCE_ALL"))
                qInfo("%s %s step %zu: gpo %.9g TRL %.9g (%.3g)", tc["name"].get<std::string>().c_str(),
                      key.c_str(), s + 1, ours, trl, x);
            else
                QVERIFY2(x <= 1.0,
                         (tc["name"].get<std::string>() + ": " + key + " at step " + std::to_string(s + 1) +
                          ": gpo " + log[s][key].dump() + ", TRL " + value.dump())
                             .c_str());
        }
    qInfo("%s: worst %.3g of the tolerance (%s)", tc["name"].get<std::string>().c_str(), worst,
          worstAt.c_str());
}

void TestReference::trlGrpoOnAFixedBatch_data() {
    addCaseRows(kTrl + "/grpo.json");
}

// GRPOTrainer's first step on fixed completions and rewards (three groups of four, one without spread,
// one completion per group clipped before EOS), with a KL reference that differs from the policy: the
// same advantages, loss, grad_norm and metrics for each loss_type × scale_rewards.
void TestReference::trlGrpoOnAFixedBatch() {
    QFETCH(int, index);
    const auto expected = readJson(kTrl + "/grpo.json");
    const auto& tc = expected["cases"][static_cast<size_t>(index)];
    nlohmann::json cfg = tc["gpo_config"];
    cfg["dataset"] = "trl-fixture";
    const train::TrainConfig c = train::TrainConfig::fromJson(cfg, "grpo.json");
    // TRL shuffles the generation batch before the loss; gpo's groups are consecutive.
    std::vector<std::vector<int32_t>> prompts;
    std::vector<std::vector<size_t>> rowsOf;
    const auto& rows = tc["batch"];
    for (size_t i = 0; i < rows.size(); ++i) {
        const auto p = rows[i]["prompt_ids"].get<std::vector<int32_t>>();
        const auto at = std::find(prompts.begin(), prompts.end(), p);
        if (at == prompts.end()) {
            prompts.push_back(p);
            rowsOf.push_back({i});
        } else {
            rowsOf[static_cast<size_t>(at - prompts.begin())].push_back(i);
        }
    }
    std::vector<train::EncodedCompletion> encoded;
    std::vector<double> rewards;
    std::vector<size_t> groupSizes, order;
    double completionTokens = 0;
    for (size_t g = 0; g < prompts.size(); ++g) {
        groupSizes.push_back(rowsOf[g].size());
        for (const size_t i : rowsOf[g]) {
            train::EncodedCompletion e;
            e.tokens = prompts[g];
            e.promptTokens = static_cast<int64_t>(e.tokens.size());
            for (const int32_t t : rows[i]["completion_ids"].get<std::vector<int32_t>>())
                e.tokens.push_back(t);
            completionTokens += static_cast<double>(e.completionTokens());
            encoded.push_back(std::move(e));
            rewards.push_back(rows[i]["reward"].get<double>());
            order.push_back(i);
        }
    }
    const auto policy = trlModel();
    const auto reference = model::Policy::load(kTrl + "/reference", {"cpu", "float32"});
    for (auto& p : policy->model().trainableParameters())
        p.requires_grad_(true); // as the train loop does
    const train::GrpoStep step = train::grpoStep(policy->model(), &reference->model(), encoded, rewards,
                                                 groupSizes, completionTokens, c, 1.0);
    double squares = 0;
    for (const auto& p : policy->model().trainableParameters())
        if (p.grad().defined()) squares += p.grad().to(at::kDouble).pow(2).sum().item<double>();
    std::map<std::string, double> ours = step.metrics;
    ours["grad_norm"] = std::sqrt(squares);

    double worst = 0;
    std::string worstAt;
    auto check = [&](const std::string& what, double mine, double trl) {
        const double x = std::abs(mine - trl) / (kRel * std::abs(trl) + 1e-6);
        if (x > worst) {
            worst = x;
            worstAt = what + ": gpo " + std::to_string(mine) + ", TRL " + std::to_string(trl);
        }
        QVERIFY2(x <= 1.0, (tc["name"].get<std::string>() + ": " + what + ": gpo " + std::to_string(mine) +
                            ", TRL " + std::to_string(trl))
                               .c_str());
    };
    for (size_t k = 0; k < order.size(); ++k)
        check("advantage " + std::to_string(order[k]), step.advantages.advantages[k],
              rows[order[k]]["advantage"].get<double>());
    for (const auto& [key, value] : tc["logged"].items()) {
        QVERIFY2(ours.count(key), (key + " is not computed").c_str());
        check(key, ours[key], value.get<double>());
    }
    qInfo("%s: worst %.3g of the tolerance (%s)", tc["name"].get<std::string>().c_str(), worst,
          worstAt.c_str());
}

void TestReference::peftAdaptersBothWays_data() {
    QTest::addColumn<QString>("adapter");
    QTest::newRow("made by PEFT") << "peft-adapter";
    QTest::newRow("made by gpo train") << "gpo-adapter";
}

// An adapter PEFT trained loads in gpo and gives PEFT's logits; an adapter `gpo train` saved loads with
// peft.PeftModel.from_pretrained (tests/reference/peft_parity.py) and gives there what it gives here.
void TestReference::peftAdaptersBothWays() {
    QFETCH(QString, adapter);
    const std::string dir = std::string(GPO_FIXTURES) + "/reference/peft/";
    const model::SafetensorsFile f(dir + "expected.safetensors");
    auto get = [&](const std::string& name) {
        const model::TensorInfo* t = f.find(name);
        if (!t) throw std::runtime_error(name + " is not in expected.safetensors");
        return at::from_blob(const_cast<uint8_t*>(f.data(*t)), t->shape, model::toScalarType(t->dtype))
            .clone();
    };
    const at::Tensor ids = get("input_ids");
    const at::Tensor want = get("logits_" + adapter.toStdString().replace(adapter.indexOf('-'), 1, "_"));
    const auto policy = model::Policy::load(dir + adapter.toStdString(), {"cpu", "float32"});
    const auto base = trlModel();
    const at::Tensor positions = at::arange(ids.size(1), at::kLong).unsqueeze(0).expand_as(ids);
    const at::Tensor valid = at::ones_like(ids, at::kBool);
    at::Tensor logits, plain;
    {
        c10::InferenceMode guard;
        logits = policy->model().forward({ids, positions, valid}, nullptr, model::LogitsFor::All);
        plain = base->model().forward({ids, positions, valid}, nullptr, model::LogitsFor::All);
    }
    const double diff = (logits - want).abs().max().item<double>();
    const double effect = (plain - want).abs().max().item<double>();
    qInfo("%s: max |logit diff| %.3g (the adapter moves logits by up to %.3g)", qPrintable(adapter), diff,
          effect);
    QVERIFY2(effect > 1e-3, "the adapter changes nothing: the check would be empty");
    QVERIFY2(diff <= 1e-5, qPrintable(QString::number(diff)));
}

QTEST_GUILESS_MAIN(TestReference)
#include "test_reference.moc"
