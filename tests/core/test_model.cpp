// The policy engine against Hugging Face transformers 5.17: tiny GPT-2, Llama and Qwen2 checkpoints
// (float32 and bfloat16, tied and untied, left-padded batches) with the logits and greedy tokens HF
// computed (fixtures/hf, see MODEL_FIXTURES.md). Tolerance: max |logit diff| <= 1e-4 in float32.
#include "model/generation.h"
#include "model/kv_cache.h"
#include "model/logprobs.h"
#include "model/policy.h"
#include "model/safetensors.h"
#include "model/torch_util.h"
#include "thrown.h"
#include "util/input_error.h"

#include <QTemporaryDir>
#include <QtTest>
#include <filesystem>
#include <fstream>

using namespace gpo;
using namespace gpo::model;
namespace fs = std::filesystem;

class TestModel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void logitsMatchTransformers_data();
    void logitsMatchTransformers();
    void greedyMatchesTransformers_data();
    void greedyMatchesTransformers();
    void batchedEqualsOneByOne();
    void forksEqualReencoding();
    void nestedCutsEqualStandaloneRows();
    void severalSharedSequencesEqualStandaloneRows();
    void samplingIsBatchIndependent();
    void logprobsMatchLogits();
    void saveRoundTrips();
    void corruptCheckpointsFailClearly();
};

static const std::string kHf = GPO_FIXTURES "/hf/";

struct Expected {
    at::Tensor ids, mask, logits, greedyPrompt, greedyOutput;
};

static Expected expected(const std::string& name) {
    SafetensorsFile f(kHf + name + "/expected.safetensors");
    auto get = [&](const char* n) {
        const TensorInfo* t = f.find(n);
        return at::from_blob(const_cast<uint8_t*>(f.data(*t)), t->shape, toScalarType(t->dtype)).clone();
    };
    return {get("input_ids"), get("attention_mask"), get("logits"), get("greedy_prompt"),
            get("greedy_output")};
}

static std::unique_ptr<Policy> cpuPolicy(const std::string& dir) {
    return Policy::load(dir, {"cpu", "float32"});
}

static std::vector<int32_t> toIds(const at::Tensor& row) {
    std::vector<int32_t> ids;
    for (int64_t i = 0; i < row.numel(); ++i)
        ids.push_back(static_cast<int32_t>(row[i].item<int64_t>()));
    return ids;
}

void TestModel::logitsMatchTransformers_data() {
    QTest::addColumn<QString>("name");
    for (const char* n : {"gpt2", "llama", "qwen2", "qwen2-bf16", "mistral", "llama-rope-linear",
                          "llama-rope-llama3", "qwen2-rope-yarn", "qwen3", "llama-rope-dynamic"})
        QTest::newRow(n) << n;
}

void TestModel::logitsMatchTransformers() {
    QFETCH(QString, name);
    auto policy = cpuPolicy(kHf + name.toStdString());
    const Expected e = expected(name.toStdString());
    const at::Tensor valid = e.mask.to(at::kBool);
    // HF's forward without position_ids numbers positions from the start of the padded row (generate()
    // numbers real tokens only, as our generator does). Rotary models do not care; GPT-2's learned
    // positions do, so pass HF's numbering here.
    const at::Tensor positions = at::arange(e.ids.size(1), at::kLong).unsqueeze(0).expand_as(e.ids);
    at::Tensor logits;
    {
        c10::InferenceMode guard;
        logits = policy->model().forward({e.ids, positions, valid}, nullptr, LogitsFor::All);
    }
    const at::Tensor diff = (logits - e.logits).abs().amax(-1).masked_select(valid);
    const double maxDiff = diff.max().item<double>();
    qInfo("%s: max |logit diff| %.3g over %lld positions", qPrintable(name), maxDiff,
          static_cast<long long>(diff.numel()));
    QVERIFY2(maxDiff <= 1e-4, qPrintable(QString::number(maxDiff)));
}

void TestModel::greedyMatchesTransformers_data() {
    logitsMatchTransformers_data();
}

void TestModel::greedyMatchesTransformers() {
    QFETCH(QString, name);
    auto policy = cpuPolicy(kHf + name.toStdString());
    const Expected e = expected(name.toStdString());
    SamplingParams greedy;
    greedy.temperature = 0;
    greedy.maxNewTokens = 20;
    greedy.stopAtEos = false; // the reference ran without an EOS
    const auto out = generate(*policy, {}, {{0, toIds(e.greedyPrompt[0]), 0}}, greedy);
    const std::vector<int32_t> want = toIds(e.greedyOutput[0].narrow(0, e.greedyPrompt.size(1), 20));
    QCOMPARE(out[0].tokens, want);
    QCOMPARE(out[0].finish, std::string("length"));
}

static SamplingParams greedyParams(int64_t n) {
    SamplingParams p;
    p.temperature = 0;
    p.maxNewTokens = n;
    p.stopAtEos = false;
    return p;
}

void TestModel::batchedEqualsOneByOne() {
    for (const char* name : {"gpt2", "qwen2"}) {
        auto policy = cpuPolicy(kHf + name);
        const std::vector<std::vector<int32_t>> prompts = {
            {5, 17, 99, 3}, {42}, {7, 7, 7, 7, 7, 7, 7, 300, 2}, {1, 2}};
        std::vector<GenerationRow> rows;
        for (const auto& p : prompts)
            rows.push_back({0, p, 0});
        const auto batched = generate(*policy, {}, rows, greedyParams(12));
        for (size_t i = 0; i < prompts.size(); ++i) {
            const auto single = generate(*policy, {}, {rows[i]}, greedyParams(12));
            QCOMPARE(batched[i].tokens, single[0].tokens);
        }
    }
}

void TestModel::forksEqualReencoding() {
    auto policy = cpuPolicy(kHf + "llama");
    std::vector<int32_t> prefix;
    for (int i = 0; i < 30; ++i)
        prefix.push_back((i * 37 + 11) % 512);
    SamplingParams sample;
    sample.temperature = 1.0;
    sample.topP = 0.9;
    sample.maxNewTokens = 10;
    sample.stopAtEos = false;
    std::vector<GenerationRow> forks, full;
    for (uint64_t k = 0; k < 6; ++k) {
        forks.push_back({static_cast<int64_t>(prefix.size()), {}, 1000 + k});
        full.push_back({0, prefix, 1000 + k});
    }
    GenerationStats shared, separate;
    const auto a = generate(*policy, prefix, forks, sample, &shared);
    const auto b = generate(*policy, {}, full, sample, &separate);
    for (size_t k = 0; k < forks.size(); ++k)
        QCOMPARE(a[k].tokens, b[k].tokens);
    QCOMPARE(shared.prefixTokens, int64_t(29)); // encoded once (the last token is re-fed per row)
    QVERIFY(shared.cacheBytes < separate.cacheBytes);
}

void TestModel::nestedCutsEqualStandaloneRows() {
    auto policy = cpuPolicy(kHf + "qwen2");
    std::vector<int32_t> trajectory;
    for (int i = 0; i < 40; ++i)
        trajectory.push_back((i * 53 + 5) % 512);
    std::vector<GenerationRow> cuts, standalone;
    for (int64_t cut : {3, 10, 10, 25, 40}) {
        cuts.push_back({cut, {}, static_cast<uint64_t>(cut)});
        standalone.push_back({0, std::vector<int32_t>(trajectory.begin(), trajectory.begin() + cut),
                              static_cast<uint64_t>(cut)});
    }
    const auto a = generate(*policy, trajectory, cuts, greedyParams(8));
    const auto b = generate(*policy, {}, standalone, greedyParams(8));
    for (size_t i = 0; i < cuts.size(); ++i)
        QCOMPARE(a[i].tokens, b[i].tokens);
    // A row may also add its own tokens after its cut.
    const auto c = generate(*policy, trajectory, {{12, {300, 301}, 0}}, greedyParams(5));
    std::vector<int32_t> joined(trajectory.begin(), trajectory.begin() + 12);
    joined.insert(joined.end(), {300, 301});
    QCOMPARE(c[0].tokens, generate(*policy, {}, {{0, joined, 0}}, greedyParams(5))[0].tokens);
}

void TestModel::severalSharedSequencesEqualStandaloneRows() {
    // Rows of one batch forked from three trajectories of different lengths (the prefix cache holds one
    // right-padded row each), one row of its own, and rows that add more than 4 tokens after their cut
    // (so the prefill takes the general attention path, not the decode kernel).
    for (const char* name : {"gpt2", "qwen2", "llama"}) {
        auto policy = cpuPolicy(kHf + name);
        std::vector<std::vector<int32_t>> shared(3);
        for (int i = 0; i < 40; ++i)
            shared[0].push_back((i * 53 + 5) % 512);
        for (int i = 0; i < 17; ++i)
            shared[1].push_back((i * 29 + 101) % 512);
        for (int i = 0; i < 33; ++i)
            shared[2].push_back((i * 71 + 7) % 512);
        struct Cut {
            size_t seq;
            int64_t length;
            std::vector<int32_t> extra;
        };
        const std::vector<Cut> cuts = {{0, 40, {}}, {1, 5, {}}, {2, 20, {300, 301, 302, 303, 304, 305}},
                                       {1, 17, {}}, {0, 2, {}}, {2, 33, {9}},
                                       {2, 1, {}}};
        std::vector<GenerationRow> forked, standalone;
        for (size_t i = 0; i < cuts.size(); ++i) {
            const Cut& c = cuts[i];
            forked.push_back({c.length, c.extra, i, c.seq});
            std::vector<int32_t> ids(shared[c.seq].begin(), shared[c.seq].begin() + c.length);
            ids.insert(ids.end(), c.extra.begin(), c.extra.end());
            standalone.push_back({0, ids, i});
        }
        forked.push_back({0, {11, 12, 13}, 99});
        standalone.push_back({0, {11, 12, 13}, 99});
        GenerationStats stats;
        const auto a = generateForked(*policy, shared, forked, greedyParams(8), &stats);
        QCOMPARE(stats.prefixTokens, int64_t(39 + 16 + 32)); // each sequence encoded once, as far as read
        for (size_t i = 0; i < forked.size(); ++i) {
            const auto b = generate(*policy, {}, {standalone[i]}, greedyParams(8));
            QCOMPARE(a[i].tokens, b[0].tokens);
        }
        // Unused sequences cost nothing; a row naming a sequence that is not there is refused.
        const auto one = generateForked(*policy, shared, {forked[1]}, greedyParams(8), &stats);
        QCOMPARE(stats.prefixTokens, int64_t(4));
        QCOMPARE(one[0].tokens, a[1].tokens);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 generateForked(*policy, shared, {{3, {}, 0, 3}}, greedyParams(2)));
    }
}

void TestModel::samplingIsBatchIndependent() {
    auto policy = cpuPolicy(kHf + "gpt2");
    SamplingParams sample;
    sample.temperature = 0.8;
    sample.topK = 50;
    sample.maxNewTokens = 15;
    sample.stopAtEos = false;
    const GenerationRow row{0, {10, 20, 30}, 77};
    const auto alone = generate(*policy, {}, {row}, sample);
    const auto inBatch = generate(*policy, {}, {{0, {9, 9}, 1}, row, {0, {400}, 2}}, sample);
    QCOMPARE(inBatch[1].tokens, alone[0].tokens);
    const auto otherSeed = generate(*policy, {}, {{0, {10, 20, 30}, 78}}, sample);
    QVERIFY(otherSeed[0].tokens != alone[0].tokens);
}

void TestModel::logprobsMatchLogits() {
    auto policy = cpuPolicy(kHf + "llama");
    const Expected e = expected("llama");
    const std::vector<int32_t> ids = toIds(e.ids[0]); // row 0 has no padding
    const auto lp =
        sequenceLogprobs(policy->model(), {ids, std::vector<int32_t>(ids.begin(), ids.begin() + 5)});
    QCOMPARE(lp[0].size(), ids.size() - 1);
    QCOMPARE(lp[1].size(), size_t(4));
    const at::Tensor ref = at::log_softmax(e.logits[0], -1);
    for (size_t i = 0; i + 1 < ids.size(); ++i) {
        const float want = ref[static_cast<int64_t>(i)][ids[i + 1]].item<float>();
        QVERIFY2(std::abs(lp[0][i] - want) < 1e-4,
                 qPrintable(QString("%1: %2 vs %3").arg(i).arg(lp[0][i]).arg(want)));
        if (i < 4) QVERIFY(std::abs(lp[1][i] - lp[0][i]) < 1e-5); // padding does not leak into shorter rows
    }
    // Past max_position_embeddings (GPT-2's 64 learned positions) is an error, not clamped positions.
    auto gpt2 = cpuPolicy(kHf + "gpt2");
    try {
        sequenceLogprobs(gpt2->model(), {std::vector<int32_t>(65, 7)});
        QFAIL("65 tokens on a 64-position model were scored");
    } catch (const std::invalid_argument& err) {
        QVERIFY2(std::string(err.what()).find("longer than the model's max_position_embeddings (64)") !=
                     std::string::npos,
                 err.what());
    }
}

void TestModel::saveRoundTrips() {
    QTemporaryDir tmp;
    for (const char* name : {"gpt2", "qwen2-bf16"}) {
        auto policy = cpuPolicy(kHf + name);
        const std::string out = tmp.filePath(name).toStdString();
        policy->save(out);
        SafetensorsFile original(kHf + name + "/model.safetensors"), saved(out + "/model.safetensors");
        QCOMPARE(saved.tensors().size(), original.tensors().size());
        for (const TensorInfo& t : original.tensors()) {
            const TensorInfo* s = saved.find(t.name);
            QVERIFY2(s, t.name.c_str());
            QCOMPARE(s->dtype, t.dtype);
            QCOMPARE(s->shape, t.shape);
            QVERIFY(std::memcmp(saved.data(*s), original.data(t), t.end - t.begin) == 0);
        }
        QVERIFY(fs::exists(out + "/config.json"));
    }
}

static void corrupt(const std::string& dir, const std::function<void(std::string&)>& edit) {
    fs::create_directories(dir);
    for (const char* f : {"config.json", "model.safetensors"})
        fs::copy_file(kHf + "llama/" + f, dir + "/" + f, fs::copy_options::overwrite_existing);
    std::ifstream in(dir + "/model.safetensors", std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), {});
    in.close();
    edit(bytes);
    std::ofstream(dir + "/model.safetensors", std::ios::binary | std::ios::trunc) << bytes;
}

void TestModel::corruptCheckpointsFailClearly() {
    QTemporaryDir tmp;
    const std::string dir = tmp.path().toStdString() + "/ckpt";
    auto failure = [&](const std::function<void(std::string&)>& edit) {
        corrupt(dir, edit);
        auto e = thrown<InputError>([&] { cpuPolicy(dir); });
        return e ? e->cause() : std::string("(no error)");
    };
    auto expect = [](const std::string& cause, const char* part) {
        QVERIFY2(cause.find(part) != std::string::npos, cause.c_str());
    };
    expect(failure([](std::string& b) { b.resize(b.size() / 2); }), "outside");
    expect(failure([](std::string& b) { b.resize(5); }), "truncated");
    expect(failure([](std::string& b) {
               b[0] = '\xff';
               b[1] = '\xff';
               b[2] = '\x7f';
           }),
           "header length");
    expect(failure([](std::string& b) {
               const size_t at = b.find("\"data_offsets\":[");
               b.replace(at, 16, "\"data_offsets\":[9");
               b[0] = static_cast<char>(static_cast<unsigned char>(b[0]) + 1);
           }),
           "bytes but shape");
    expect(failure([](std::string& b) { b.replace(b.find("\"F32\""), 5, "\"F64\""); }), "bytes but shape");
    expect(failure([](std::string& b) { b.replace(b.find("{"), 1, "["); }), "JSON");
    // A config that disagrees with the tensors.
    corrupt(dir, [](std::string&) {});
    std::string config;
    {
        std::ifstream in(dir + "/config.json");
        config.assign((std::istreambuf_iterator<char>(in)), {});
    }
    config.replace(config.find("\"intermediate_size\": 176"), 24, "\"intermediate_size\": 180");
    std::ofstream(dir + "/config.json", std::ios::trunc) << config;
    auto e = thrown<InputError>([&] { cpuPolicy(dir); });
    QVERIFY(e);
    expect(e->cause(), "config.json implies");
    QVERIFY(e->file().find("ckpt") != std::string::npos);
    // Rope scaling it does not compute is refused by name, with what it does compute.
    auto rewrite = [&](const std::string& from, const std::string& to) {
        config.replace(config.find(from), from.size(), to);
        std::ofstream(dir + "/config.json", std::ios::trunc) << config;
        return thrown<InputError>([&] { cpuPolicy(dir); });
    };
    rewrite("\"intermediate_size\": 180", "\"intermediate_size\": 176");
    e = rewrite("\"rope_type\": \"default\"", "\"rope_type\": \"longrope\"");
    QVERIFY(e);
    expect(e->cause(), "rope_type \"longrope\" is not supported (default, linear, dynamic, llama3, yarn)");
    e = rewrite("\"rope_type\": \"longrope\"", "\"rope_type\": \"llama3\"");
    QVERIFY(e);
    expect(e->cause(), "rope_type \"llama3\" needs \"factor\"");
    // Mistral v0.1's sliding window is narrower than the context it claims: refused, not ignored.
    rewrite("\"rope_type\": \"llama3\"", "\"rope_type\": \"default\"");
    e = rewrite("\"model_type\": \"llama\"", "\"model_type\": \"mistral\", \"sliding_window\": 16");
    QVERIFY(e);
    expect(e->cause(), "sliding_window 16 below max_position_embeddings 128");
}

QTEST_GUILESS_MAIN(TestModel)
#include "test_model.moc"
