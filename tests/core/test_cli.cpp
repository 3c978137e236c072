// The gpo command as users and scripts call it: JSON results, exit codes, errors that name the file.
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QtTest>
#include <cmath>
#include <map>

namespace {
const QString kData = QStringLiteral(GPO_FIXTURES) + QStringLiteral("/data/");
const QString kDemoPolicy = QStringLiteral(GPO_DEMO_POLICY);

struct Run {
    int code;
    QJsonObject json;
    QString err;
    QString out; ///< all of stdout (json is its last line)
};

Run gpo(const QStringList& args) {
    QProcess p;
    p.start(QStringLiteral(GPO_CLI), args);
    p.waitForFinished(120000);
    const QByteArray out = p.readAllStandardOutput();
    const QList<QByteArray> lines = out.trimmed().split('\n');
    Run r{p.exitCode(), QJsonDocument::fromJson(lines.isEmpty() ? QByteArray() : lines.last()).object(),
          QString::fromUtf8(p.readAllStandardError()), QString::fromUtf8(out)};
    return r;
}
} // namespace

class TestCli : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;
    QString project_;

private slots:
    void initTestCase() { project_ = dir_.filePath(QStringLiteral("cli.gpo")); }

    void importCreatesProject() {
        auto r = gpo({"import", "--project", project_, "--format", "gsm8k", "--json",
                      kData + "gsm8k/train_first200.jsonl"});
        QCOMPARE(r.code, 0);
        QCOMPARE(r.json["ok"].toBool(), true);
        QCOMPARE(r.json["problems_added"].toInt(), 200);
        QCOMPARE(r.json["trajectories_added"].toInt(), 200);
        r = gpo(
            {"import", "-p", project_, "-f", "math", "--dataset", "math-train", "--json", kData + "math"});
        QCOMPARE(r.code, 0);
        QCOMPARE(r.json["files"].toArray()[0].toObject()["dataset"].toString(), QStringLiteral("math-train"));
    }
    void importTakesFoldersAndGlobs() {
        QTemporaryDir dir;
        const QString project = dir.filePath(QStringLiteral("folders.gpo"));
        // MMLU as released: a folder of dev/, val/ and test/ CSVs; the few-shot splits keep to themselves.
        auto r = gpo({"import", "-p", project, "-f", "mmlu", "--json", kData + "mmlu"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const auto files = r.json["files"].toArray();
        QCOMPARE(files.size(), 6);
        QCOMPARE(files[0].toObject()["path"].toString(), kData + "mmlu/dev/abstract_algebra_dev.csv");
        QCOMPARE(files[0].toObject()["dataset"].toString(), QStringLiteral("mmlu-dev"));
        QCOMPARE(files[2].toObject()["dataset"].toString(), QStringLiteral("mmlu"));
        QCOMPARE(files[4].toObject()["dataset"].toString(), QStringLiteral("mmlu-val"));
        r = gpo({"stats", "-p", project, "--json"});
        const auto datasets = r.json["datasets"].toObject();
        QCOMPARE(datasets["mmlu"].toObject()["problems"].toInt(), 200);
        QCOMPARE(datasets["mmlu-dev"].toObject()["problems"].toInt(), 10);
        QVERIFY(datasets.contains(QStringLiteral("mmlu-val")));
        // BIG-Bench Hard's folder, and a quoted glob.
        r = gpo({"import", "-p", project, "-f", "bbh", "--json", kData + "bbh"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QCOMPARE(r.json["files"].toArray().size(), 3);
        r = gpo({"import", "-p", project, "-f", "bbh", "--json", kData + "bbh/*.json"});
        QCOMPARE(r.code, 0);
        QCOMPARE(r.json["problems_added"].toInt(), 0); // the same files again: nothing new
        // A folder without the format's files, a glob matching nothing, a folder where a file is read.
        r = gpo({"import", "-p", project, "-f", "mmlu", "--json", kData + "bbh"});
        QVERIFY(r.code != 0);
        QVERIFY2(r.json["error"].toString().contains(QStringLiteral("holds no .csv file")),
                 qPrintable(r.json["error"].toString()));
        r = gpo({"import", "-p", project, "-f", "bbh", "--json", kData + "bbh/*.nothing"});
        QVERIFY(r.json["error"].toString().contains(QStringLiteral("no file matches")));
        r = gpo({"train", "-p", project, "--config", kData + "bbh", "--json"});
        QVERIFY2(r.code != 0 && r.err.contains(QStringLiteral("is actually a directory")), qPrintable(r.err));
    }
    void statsPerDataset() {
        auto r = gpo({"stats", "-p", project_, "--json"});
        QCOMPARE(r.code, 0);
        QCOMPARE(r.json["problems"].toInt(), 249);
        QCOMPARE(r.json["trajectories"].toInt(), 249);
        QCOMPARE(r.json["datasets"].toObject()["math-train"].toObject()["problems"].toInt(), 49);
        QVERIFY(r.json["steps"].toInt() > 249);
    }
    void verifyProject() {
        auto r = gpo({"verify", "-p", project_, "--json"});
        QCOMPARE(r.code, 0);
        QCOMPARE(r.json["n"].toInt(), 249);
        QCOMPARE(r.json["correct"].toInt(), 249);
        QCOMPARE(r.json["accuracy"].toDouble(), 1.0);
        QVERIFY(r.json["unparsed"].toArray().isEmpty());
    }
    void verifyOneAnswer() {
        auto r =
            gpo({"verify", "--answer", "The answer is $\\dfrac{1}{2}$.", "--reference", "0.5", "--json"});
        QCOMPARE(r.code, 0);
        QCOMPARE(r.json["correct"].toBool(), true);
        QCOMPARE(r.json["normalized_answer"].toString(), QStringLiteral("\\frac{1}{2}"));
        QCOMPARE(r.json["normalized_reference"].toString(), QStringLiteral("0.5"));
        r = gpo({"verify", "--verifier", "gsm8k", "--answer", "so 41", "--reference", "42", "--json"});
        QCOMPARE(r.json["correct"].toBool(), false);
        QVERIFY(r.code != 0);
    }
    // A file of verdicts to agree with (Math-Verify's suite): counts, and a bad line named.
    void verifyCases() {
        auto r =
            gpo({"verify", "--cases", QStringLiteral(GPO_FIXTURES "/math_verify/cases.jsonl"), "--json"});
        QCOMPARE(r.code, 0);
        QCOMPARE(r.json["cases"].toInt(), 261);
        QVERIFY(r.json["agreed"].toInt() >= 238);
        QCOMPARE(r.json["false_accepts"].toInt(), 3);
        QVERIFY(r.json["by_test"].toObject().contains("test_relations_math"));
        const QString bad = dir_.filePath(QStringLiteral("bad-cases.jsonl"));
        QFile f(bad);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("{\"gold\": \"1\", \"pred\": \"1\", \"expected\": true}\n{\"gold\": 1, \"pred\": \"1\", "
                "\"expected\": 1}\n");
        f.close();
        r = gpo({"verify", "--cases", bad, "--json"});
        QVERIFY(r.code != 0);
        QCOMPARE(r.json["line"].toInt(), 2);
        QVERIFY2(r.json["error"].toString().contains("'gold' must be a string"),
                 qPrintable(r.json["error"].toString()));
    }
    // What the machine offers: one OpenMP runtime in the process (a wheel's LibTorch brings its own), the
    // data-parallel backend, and whether this LibTorch has CUDA.
    void doctorSaysRuntimeAndBackend() {
        auto r = gpo({"doctor", "--json"});
        QCOMPARE(r.code, 0);
        QCOMPARE(r.json["openmp_runtimes"].toArray().size(), 1);
        QCOMPARE(r.json["distributed_backend"].toString(), QStringLiteral("gloo"));
        QVERIFY(r.json["cuda_compiled"].isBool());
        QVERIFY(r.json["libtorch"].toString().startsWith(r.json["cuda_compiled"].toBool() ? "2." : ""));
        // LibTorch 2.5+ attends through its fused SDPA kernels; 1.13 has none.
        QCOMPARE(r.json["attention"].toString(), r.json["libtorch"].toString().startsWith("1.")
                                                     ? QStringLiteral("explicit")
                                                     : QStringLiteral("scaled_dot_product_attention"));
    }
    void listAndShow() {
        auto r = gpo({"ls", "-p", project_, "--dataset", "math-train", "--limit", "5", "--json"});
        QCOMPARE(r.code, 0);
        QCOMPARE(r.json["total"].toInt(), 49);
        const auto rows = r.json["trajectories"].toArray();
        QCOMPARE(rows.size(), 5);
        const int id = rows[0].toObject()["id"].toInt();
        r = gpo({"show", "-p", project_, QString::number(id), "--json"});
        QCOMPARE(r.code, 0);
        QCOMPARE(r.json["reference_answer"].toString(), QStringLiteral("0"));
        QVERIFY(!r.json["steps"].toArray().isEmpty());
        QCOMPARE(r.json["correct"].toBool(), true);
    }
    void exportJsonl() {
        const QString out = dir_.filePath(QStringLiteral("out.jsonl"));
        auto r = gpo({"export", "-p", project_, "--dataset", "gsm8k", "-o", out, "--json"});
        QCOMPARE(r.code, 0);
        QCOMPARE(r.json["trajectories"].toInt(), 200);
        QVERIFY(!QFile::exists(out + QStringLiteral(".part")));
        r = gpo({"import", "-p", dir_.filePath(QStringLiteral("copy.gpo")), "-f", "jsonl", "--json", out});
        QCOMPARE(r.json["trajectories_added"].toInt(), 200);
    }
    void errorsAreJsonWithFileAndLine() {
        auto r = gpo({"import", "-p", dir_.filePath(QStringLiteral("err.gpo")), "-f", "gsm8k", "--json",
                      QStringLiteral(GPO_FIXTURES) + QStringLiteral("/bad/gsm8k_broken_line2.jsonl")});
        QCOMPARE(r.code, 1);
        QCOMPARE(r.json["ok"].toBool(), false);
        QCOMPARE(r.json["line"].toInt(), 2);
        QVERIFY(r.json["file"].toString().endsWith(QStringLiteral("gsm8k_broken_line2.jsonl")));
        QVERIFY(r.err.contains(QStringLiteral("gsm8k_broken_line2.jsonl:2")));
        r = gpo({"stats", "-p", dir_.filePath(QStringLiteral("nope.gpo")), "--json"});
        QCOMPARE(r.code, 1);
        QVERIFY(r.json["error"].toString().contains(QStringLiteral("no such project")));
    }
    void unknownFormatIsAUsageError() {
        auto r = gpo({"import", "-p", project_, "-f", "nosuch", kData + "gsm8k/train_first200.jsonl"});
        QVERIFY(r.code != 0);
        QVERIFY(r.err.contains(QStringLiteral("nosuch")));
    }
    // The policy engine's commands, on the shipped demo policy.
    void demoProjectFromTheShippedPolicy() {
        const QString demo = dir_.filePath(QStringLiteral("demo.gpo"));
        // No --policy: gpo finds the demo policy installed beside it (share/gpo/demo-policy).
        auto r = gpo({"demo", "-p", demo, "--train", "10", "--test", "12", "--eval-problems", "6",
                      "--samples", "2", "--json"});
        QCOMPARE(r.code, 0);
        QCOMPARE(r.json["ok"].toBool(), true);
        QCOMPARE(r.json["test"].toObject()["problems_added"].toInt(), 12);
        QCOMPARE(r.json["eval"].toObject()["samples"].toInt(), 12);
        QCOMPARE(r.json["eval"].toObject()["k"].toInt(), 2);
        QVERIFY(r.json["eval"].toObject()["pass_at_k"].toDouble() >=
                r.json["eval"].toObject()["pass_at_1"].toDouble());
        r = gpo({"policy", "ls", "-p", demo, "--json"});
        QCOMPARE(r.code, 0);
        const QJsonObject policy = r.json["policies"].toArray()[0].toObject();
        QCOMPARE(policy["name"].toString(), QStringLiteral("demo-policy"));
        QCOMPARE(policy["default"].toBool(), true);
        // Bringing a model: `policy add` says what it found before anything runs.
        r = gpo({"policy", "add", "-p", demo, "--name", "brought", "--path",
                 QStringLiteral(GPO_FIXTURES "/reference/trl/model"), "--json"});
        QCOMPARE(r.code, 0);
        const QJsonObject ckpt = r.json["checkpoint"].toObject();
        QCOMPARE(ckpt["architecture"].toString(), QStringLiteral("llama"));
        QCOMPARE(ckpt["context_length"].toInt(), 128);
        QCOMPARE(ckpt["dtype"].toString(), QStringLiteral("float32"));
        QCOMPARE(ckpt["rope"].toObject()["type"].toString(), QStringLiteral("default"));
        QCOMPARE(ckpt["tokenizer"].toObject()["kind"].toString(), QStringLiteral("byte-level BPE"));
        QCOMPARE(ckpt["tokenizer"].toObject()["eos"].toArray()[0].toString(),
                 QStringLiteral("<|endoftext|>"));
        QCOMPARE(ckpt["prompt"].toObject()["sample"].toString(),
                 QStringLiteral("Question: What is 3 + 4?\nAnswer:\n"));
        QCOMPARE(ckpt["thinking"].toBool(), false);
        QVERIFY(ckpt["parameters"].toInt() > 0);
        r = gpo({"policy", "add", "-p", demo, "--name", "brought-again", "--path",
                 QStringLiteral(GPO_FIXTURES "/reference/trl/model")});
        QCOMPARE(r.code, 0);
        QVERIFY2(r.out.contains("tokenizer     byte-level BPE"), qPrintable(r.out));
    }
    void evalStoresAnswers() {
        const QString demo = dir_.filePath(QStringLiteral("demo.gpo"));
        auto r = gpo({"eval", "-p", demo, "-d", "demo-test", "--limit", "5", "--json"});
        QCOMPARE(r.code, 0);
        QCOMPARE(r.json["problems"].toInt(), 5);
        QCOMPARE(r.json["policy"].toString(), QStringLiteral("demo-policy"));
        QVERIFY(r.json.contains("pass_at_1") && !r.json.contains("pass_at_k")); // greedy: one answer each
        // A folder given by path is registered under the name asked for.
        r = gpo({"eval", "-p", demo, "-d", "demo-test", "--limit", "3", "--policy", kDemoPolicy, "--name",
                 "again", "-n", "3", "--json"});
        QCOMPARE(r.code, 0);
        QCOMPARE(r.json["policy"].toString(), QStringLiteral("again"));
        QCOMPARE(r.json["samples"].toInt(), 9);
        r = gpo({"ls", "-p", demo, "--source", "again", "--json"});
        QCOMPARE(r.code, 0);
        QVERIFY(r.json["total"].toInt() >= 1 && r.json["total"].toInt() <= 9);
    }
    void evalErrorsAreClear() {
        const QString demo = dir_.filePath(QStringLiteral("demo.gpo"));
        auto r = gpo({"eval", "-p", demo, "-d", "nosuch", "--json"});
        QCOMPARE(r.code, 1);
        QVERIFY(r.json["error"].toString().contains(QStringLiteral("nosuch")));
        r = gpo({"eval", "-p", project_, "-d", "gsm8k", "--json"}); // this project has no policy yet
        QCOMPARE(r.code, 1);
        QVERIFY(r.json["error"].toString().contains(QStringLiteral("no default policy")));
    }
    void logprobsAndGenerate() {
        const QString prompt = QStringLiteral("Question: Ann has 5 coins. Then Ann finds 2 more coins. How "
                                              "many coins does Ann have now?\nAnswer:\n");
        auto r = gpo({"generate", "--policy", kDemoPolicy, "--prompt", prompt, "-t", "0", "--json"});
        QCOMPARE(r.code, 0);
        const QString answer = r.json["samples"].toArray()[0].toObject()["text"].toString();
        QVERIFY2(answer.contains(QStringLiteral("The answer is")), qPrintable(answer));
        r = gpo({"logprobs", "--policy", kDemoPolicy, "--text", prompt + answer, "--json"});
        QCOMPARE(r.code, 0);
        const QJsonArray tokens = r.json["tokens"].toArray(), logprobs = r.json["logprobs"].toArray();
        QCOMPARE(logprobs.size(), tokens.size() - 1);
        for (const auto& l : logprobs)
            QVERIFY(l.toDouble() <= 0.0);
        // A completion scored after its prompt as training does: only its own tokens (and EOS) count,
        // and they are the tail of the whole sequence's log-probs.
        r = gpo({"logprobs", "--policy", kDemoPolicy, "--prompt", prompt, "--completion", answer, "--json"});
        QCOMPARE(r.code, 0);
        const QJsonArray pair = r.json["tokens"].toArray(), completion = r.json["logprobs"].toArray();
        const int promptTokens = r.json["prompt_tokens"].toInt();
        QCOMPARE(completion.size(), pair.size() - promptTokens);
        QCOMPARE(r.json["completion_tokens"].toInt(), completion.size());
        QVERIFY(r.json["eos"].toBool());
        QStringList ids;
        for (const auto& id : pair)
            ids << QString::number(id.toInt());
        auto whole = gpo({"logprobs", "--policy", kDemoPolicy, "--input-ids", ids.join(','), "--json"});
        QCOMPARE(whole.code, 0);
        const QJsonArray all = whole.json["logprobs"].toArray();
        double tail = 0;
        for (int i = 0; i < completion.size(); ++i) {
            const double v = all[promptTokens - 1 + i].toDouble();
            QVERIFY(std::abs(v - completion[i].toDouble()) < 1e-5);
            tail += v;
        }
        QVERIFY(std::abs(tail - r.json["sum"].toDouble()) < 1e-4);
        auto noEos = gpo({"logprobs", "--policy", kDemoPolicy, "--prompt", prompt, "--completion", answer,
                          "--no-eos", "--json"});
        QCOMPARE(noEos.json["completion_tokens"].toInt(), completion.size() - 1);
        r = gpo({"logprobs", "--policy", kDemoPolicy, "--prompt", prompt, "--completion", "", "--no-eos",
                 "--json"});
        QCOMPARE(r.code, 1);
        QVERIFY(r.json["error"].toString().contains("empty completion"));
    }
    void sftTrainsAndNamesBadLines() {
        const QString data = dir_.filePath(QStringLiteral("sft.jsonl"));
        auto w = gpo({"demo-task", "--count", "8", "--out", data, "--json"});
        QCOMPARE(w.code, 0);
        // demo-task writes the import format; make prompt/completion pairs of it for sft.
        QFile in(data);
        QVERIFY(in.open(QIODevice::ReadOnly));
        QByteArray pairs;
        for (const QByteArray& line : in.readAll().trimmed().split('\n')) {
            const QJsonObject o = QJsonDocument::fromJson(line).object();
            QStringList steps;
            for (const auto& s : o["steps"].toArray())
                steps << s.toString();
            pairs +=
                QJsonDocument(QJsonObject{{"prompt", "Question: " + o["problem"].toString() + "\nAnswer:\n"},
                                          {"completion", steps.join('\n') + '\n'}})
                    .toJson(QJsonDocument::Compact) +
                '\n';
        }
        const QString pairsFile = dir_.filePath(QStringLiteral("pairs.jsonl"));
        QFile out(pairsFile);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(pairs);
        out.close();
        const QString ckpt = dir_.filePath(QStringLiteral("sft-out"));
        auto r = gpo({"sft", "--policy", kDemoPolicy, "--data", pairsFile, "--out", ckpt, "--steps", "2",
                      "--batch", "4", "--json"});
        QCOMPARE(r.code, 0);
        QCOMPARE(r.json["steps"].toInt(), 2);
        QVERIFY(QFile::exists(ckpt + QStringLiteral("/model.safetensors")));
        QVERIFY(QFile::exists(ckpt + QStringLiteral("/gpo_prompt.json"))); // the prompt format travels along
        QFile bad(dir_.filePath(QStringLiteral("bad-sft.jsonl")));
        QVERIFY(bad.open(QIODevice::WriteOnly));
        bad.write("{\"prompt\": \"a\", \"completion\": \"b\"}\n{\"prompt\": \"a\"}\n");
        bad.close();
        r = gpo({"sft", "--policy", kDemoPolicy, "--data", bad.fileName(), "--out", ckpt + "2", "--json"});
        QCOMPARE(r.code, 1);
        QCOMPARE(r.json["line"].toInt(), 2);
    }
    void analyzeMergeAndAgreement() {
        const QString demo = dir_.filePath(QStringLiteral("demo.gpo"));
        const QStringList selection = {
            "-p", demo,           "-d", "demo-test", "--source", "planted-error", "-k",
            "2",  "--max-tokens", "64", "--seed",    "5",        "--json"};
        auto r = gpo(QStringList{"analyze"} + selection);
        QCOMPARE(r.code, 0);
        QCOMPARE(r.json["analysed"].toInt(), 12);
        QVERIFY(r.json["rollouts_drawn"].toInt() > 0);
        const int run = r.json["run_id"].toInt();
        r = gpo({"ls", "-p", demo, "--source", "planted-error", "-n", "1", "--json"});
        const QString id = QString::number(r.json["trajectories"].toArray()[0].toObject()["id"].toInt());
        r = gpo({"show", "-p", demo, id, "--rollouts", "0", "--json"});
        QCOMPARE(r.code, 0);
        const QJsonObject analysis = r.json["analysis"].toObject();
        QCOMPARE(analysis["run_id"].toInt(), run);
        QCOMPARE(analysis["values"].toArray().size(), r.json["steps"].toArray().size() + 1);
        QCOMPARE(analysis["picks"].toObject().size(), 6);
        QCOMPARE(r.json["rollouts"].toArray().size(), 2);
        r = gpo({"agreement", "-p", demo, "--json"});
        QCOMPARE(r.code, 0);
        const QJsonObject abs = r.json["selectors"].toObject()["abs-advantage"].toObject();
        const QJsonObject planted = abs["first_error:demo-test"].toObject();
        QCOMPARE(planted["n"].toInt(), 12);
        QVERIFY(planted["exact"].toDouble() <= planted["within_1"].toDouble());
        // The same run in two shards, merged into a copy of the project, gives the same picks.
        const QString copy = dir_.filePath(QStringLiteral("demo-copy.gpo"));
        QVERIFY(QFile::copy(demo, copy));
        QStringList files;
        for (const char* shard : {"0/2", "1/2"}) {
            files << dir_.filePath(QStringLiteral("part-") + QString(shard).left(1));
            QStringList args = QStringList{"analyze"} + selection;
            args.replaceInStrings(demo, copy);
            r = gpo(args + QStringList{"--shard", shard, "--out", files.last()});
            QCOMPARE(r.code, 0);
            QCOMPARE(r.json["analysed"].toInt(), shard[0] == '0' ? 8 : 4); // groups 0 and 2 of 4, group 1
        }
        r = gpo(QStringList{"merge", "-p", copy, "--json"} + files);
        QCOMPARE(r.code, 0);
        QCOMPARE(r.json["complete"].toBool(), true);
        r = gpo(QStringList{"merge", "-p", copy, "--json"} + files);
        QCOMPARE(r.json["rollouts_added"].toInt(), 0);
        r = gpo({"agreement", "-p", copy, "--json"});
        QCOMPARE(r.json["selectors"].toObject()["abs-advantage"].toObject()["first_error:demo-test"],
                 planted);
        // Nothing to resume; a shard without --out; a run that is not an analysis.
        r = gpo({"analyze", "-p", demo, "--resume", "--json"});
        QCOMPARE(r.code, 1);
        QVERIFY(r.json["error"].toString().contains(QStringLiteral("no analysis run")));
        r = gpo(QStringList{"analyze"} + selection + QStringList{"--shard", "0/2"});
        QCOMPARE(r.code, 1);
        r = gpo({"analyze", "-p", demo, "--run", "1", "--json"});
        QCOMPARE(r.code, 1);
        QVERIFY(r.json["error"].toString().contains(QStringLiteral("not an analysis run")));
        r = gpo({"merge", "-p", demo, demo, "--json"});
        QCOMPARE(r.code, 1);
        QVERIFY(r.json["error"].toString().contains(QStringLiteral("not an analysis shard")));
    }
    // GPO pairs from an analysis run's critical steps, and their baselines; TRL's JSONL out and back.
    void pairsBuildExportImport() {
        const QString demo = dir_.filePath(QStringLiteral("demo.gpo"));
        auto r = gpo({"analyze", "-p", demo, "-d", "demo-test", "--source", "planted-error", "-k", "4",
                      "--max-tokens", "160", "--seed", "3", "--json"});
        QCOMPARE(r.code, 0);
        const int run = r.json["run_id"].toInt();
        r = gpo({"pairs", "build", "-p", demo, "gpo-abs", "--run", QString::number(run), "--json"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QJsonObject report = r.json["report"].toObject();
        QCOMPARE(report["considered"].toInt(), 12);
        int dropped = 0;
        for (const auto& n : report["dropped"].toObject())
            dropped += n.toInt();
        const int pairs = r.json["pairs"].toInt();
        QVERIFY(pairs > 0);
        QCOMPARE(pairs + dropped, 12); // one pair per failed trajectory at most; every other is accounted for
        QVERIFY(r.json["tokens_sampled"].toInteger() > 0);
        QCOMPARE(r.json["config"].toObject()["selector"].toString(), QStringLiteral("abs-advantage"));
        r = gpo({"pairs", "build", "-p", demo, "gpo-abs", "--run", QString::number(run), "--json"});
        QCOMPARE(r.code, 1);
        QVERIFY(r.json["error"].toString().contains("already has a pair set"));
        r = gpo({"pairs", "build", "-p", demo, "rand", "--from", "random-reset", "--run",
                 QString::number(run), "--json"});
        QVERIFY2(r.code == 0 || r.json["error"].toString().startsWith("no pairs"), qPrintable(r.err));
        const int randomSets = r.code == 0 ? 1 : 0; // 12 trajectories may give no random-reset pair
        r = gpo({"pairs", "build", "-p", demo, "x", "--run", QString::number(run), "--selector", "nosuch",
                 "--json"});
        QCOMPARE(r.code, 1);
        QVERIFY(r.json["error"].toString().contains("nosuch"));
        // The pair's prompt ends with the failed trajectory's prefix before its critical step, and the
        // rejected side is the rest of that trajectory.
        const QString out = dir_.filePath(QStringLiteral("pairs.jsonl"));
        QProcess exporter;
        exporter.start(QStringLiteral(GPO_CLI), {"pairs", "export", "-p", demo, "gpo-abs", "-o", out});
        QVERIFY(exporter.waitForFinished(60000) && exporter.exitCode() == 0);
        QFile file(out);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = file.readAll().trimmed().split('\n');
        QCOMPARE(lines.size(), pairs);
        const QJsonObject first = QJsonDocument::fromJson(lines[0]).object();
        const QJsonObject from = first["gpo"].toObject();
        r = gpo({"show", "-p", demo, QString::number(from["trajectory_id"].toInt()), "--json"});
        const QString response = r.json["response"].toString();
        const QString rejected = first["rejected"].toString();
        QVERIFY(response.endsWith(rejected));
        QVERIFY(first["prompt"].toString().endsWith(response.left(response.size() - rejected.size())));
        QCOMPARE(r.json["correct"].toBool(), false);
        // Back in as an imported set; KTO's unpaired form gives two examples a pair.
        r = gpo({"pairs", "import", "-p", demo, "back", out, "--json"});
        QCOMPARE(r.code, 0);
        QCOMPARE(r.json["pairs"].toInt(), pairs);
        const QString kto = dir_.filePath(QStringLiteral("kto.jsonl"));
        exporter.start(QStringLiteral(GPO_CLI),
                       {"pairs", "export", "-p", demo, "back", "-f", "kto", "-o", kto});
        QVERIFY(exporter.waitForFinished(60000) && exporter.exitCode() == 0);
        r = gpo({"pairs", "import", "-p", demo, "kto", kto, "--json"});
        QCOMPARE(r.json["unpaired"].toInt(), 2 * pairs);
        QCOMPARE(r.json["pairs"].toInt(), 0);
        r = gpo({"pairs", "ls", "-p", demo, "--json"});
        QCOMPARE(r.json["pair_sets"].toArray().size(), 3 + randomSets); // gpo-abs, back, kto (and rand)
        // A bad line names its file, line and key, and nothing is stored.
        const QString bad = dir_.filePath(QStringLiteral("bad-pairs.jsonl"));
        QFile b(bad);
        QVERIFY(b.open(QIODevice::WriteOnly));
        b.write(
            "{\"prompt\": \"q\", \"chosen\": \"a\", \"rejected\": \"b\"}\n{\"prompt\": \"q\", \"chosen\": 3, "
            "\"rejected\": \"b\"}\n");
        b.close();
        r = gpo({"pairs", "import", "-p", demo, "bad", bad, "--json"});
        QCOMPARE(r.code, 1);
        QCOMPARE(r.json["line"].toInt(), 2);
        QVERIFY(r.json["error"].toString().contains("'chosen' must be a string"));
        r = gpo({"pairs", "export", "-p", demo, "bad"});
        QCOMPARE(r.code, 1);
    }

    // gpo train: a DPO run on the GPO pairs, stopped by SIGTERM, taken up with --resume; its metrics are in
    // the project with step and wall time, and its policy is registered.
    void trainStopsAndResumes() {
        const QString demo = dir_.filePath(QStringLiteral("demo.gpo"));
        const QString config = dir_.filePath(QStringLiteral("run.json"));
        QFile f(config);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(
            R"({"algorithm": "dpo", "pairs": "gpo-abs", "learning_rate": 1e-4, "per_device_train_batch_size": 2,
                    "max_steps": 30, "logging_steps": 1, "save_steps": 1000, "run_name": "cli-dpo",
                    "eval_dataset": "demo-test", "eval_limit": 8, "eval_steps": 10})");
        f.close();
        QProcess train;
        train.start(QStringLiteral(GPO_CLI), {"train", "-p", demo, "-c", config, "--json"});
        QByteArray out;
        while (!out.contains("\"event\":\"train\"") && train.waitForReadyRead(60000))
            out += train.readAllStandardOutput();
        QVERIFY(out.contains("\"event\":\"train\""));
        train.terminate();
        QVERIFY(train.waitForFinished(60000));
        out += train.readAllStandardOutput();
        const QJsonObject stopped = QJsonDocument::fromJson(out.trimmed().split('\n').last()).object();
        QCOMPARE(train.exitCode(), 0);
        QCOMPARE(stopped["cancelled"].toBool(), true);
        QVERIFY(stopped["steps"].toInt() < 30);
        auto r = gpo({"runs", "-p", demo, "--kind", "training", "--json"});
        QCOMPARE(r.json["runs"].toArray()[0].toObject()["state"].toString(), QStringLiteral("cancelled"));
        r = gpo({"train", "-p", demo, "-c", config, "--resume", "--json"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QCOMPARE(r.json["steps"].toInt(), 30);
        QCOMPARE(r.json["run_id"].toInt(), stopped["run_id"].toInt());
        QCOMPARE(r.json["policy"].toString(), QStringLiteral("cli-dpo"));
        QCOMPARE(r.json["best_policy"].toString(), QStringLiteral("cli-dpo-best"));
        QVERIFY(r.json["best"].toObject()["step"].toInt() % 10 == 0);
        r = gpo({"runs", "-p", demo, "--metrics", QString::number(stopped["run_id"].toInt()), "--json"});
        QCOMPARE(r.code, 0);
        QCOMPARE(r.json["run"].toObject()["state"].toString(), QStringLiteral("done"));
        int losses = 0;
        for (const auto& m : r.json["metrics"].toArray()) {
            const QJsonObject point = m.toObject();
            if (point["name"].toString() != "loss") continue;
            ++losses;
            QVERIFY(point["wall_time"].toDouble() > 1.7e9);
        }
        QCOMPARE(losses, 30);
        // Evaluated every 10 steps across the stop; the best checkpoint is kept and registered too.
        QStringList evals;
        for (const auto& m : r.json["metrics"].toArray())
            if (m.toObject()["name"].toString() == "eval/pass@1")
                evals << QString::number(m.toObject()["step"].toInt());
        QCOMPARE(evals, QStringList({"10", "20", "30"}));
        r = gpo({"policy", "ls", "-p", demo, "--json"});
        QVERIFY(QJsonDocument(r.json).toJson().contains("cli-dpo"));
        QVERIFY(QJsonDocument(r.json).toJson().contains("cli-dpo-best"));
        // Evaluating the trained policy by name works like any other policy.
        r = gpo({"eval", "-p", demo, "-d", "demo-test", "--policy", "cli-dpo", "--limit", "2", "--json"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QCOMPARE(r.json["policy"].toString(), QStringLiteral("cli-dpo"));
        // A bad config is refused before anything runs, naming the file and the key.
        QFile bad(config);
        QVERIFY(bad.open(QIODevice::WriteOnly | QIODevice::Truncate));
        bad.write(R"({"algorithm": "dpo", "pairs": "gpo-abs", "lerning_rate": 1e-4})");
        bad.close();
        r = gpo({"train", "-p", demo, "-c", config, "--json"});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.json["error"].toString().contains("run.json: \"lerning_rate\": unknown key"),
                 qPrintable(r.json["error"].toString()));
    }

    // Every shipped preset runs as it is on the demo project (one step each here).
    void everyPresetRuns() {
        const QString demo = dir_.filePath(QStringLiteral("demo.gpo"));
        // The baselines pair a right and a wrong sampled answer per problem: sample a few more.
        auto r = gpo(
            {"eval", "-p", demo, "-d", "demo-test", "--samples", "6", "-t", "1", "--seed", "4", "--json"});
        QCOMPARE(r.code, 0);
        const QDir presets(QStringLiteral(GPO_PRESETS));
        const QStringList files = presets.entryList({"*.json"}, QDir::Files, QDir::Name);
        QCOMPARE(files.size(), 14); // dpo, ipo, kto, simpo, orpo, grpo, ppo: each with and without GPO
        // --check (the studio's launch dialog) reports what a run would train on, and records nothing.
        const int runsBefore = gpo({"runs", "-p", demo, "--json"}).json["runs"].toArray().size();
        r = gpo({"train", "-p", demo, "-c", presets.filePath("gpo-dpo.json"), "--check", "--json"});
        QVERIFY2(r.code == 0, qPrintable(r.json["error"].toString() + r.err));
        QCOMPARE(r.json["run_name"].toString(), QStringLiteral("gpo-dpo"));
        QVERIFY(r.json["examples"].toInt() > 0);
        QCOMPARE(gpo({"runs", "-p", demo, "--json"}).json["runs"].toArray().size(), runsBefore);
        r = gpo({"train", "-p", demo, "-c", presets.filePath("gpo-grpo.json"), "--check", "--json"});
        QCOMPARE(r.json["dataset"].toString(), QStringLiteral("demo-train"));
        for (const QString& file : files) {
            r = gpo({"train", "-p", demo, "-c", presets.filePath(file), "--max-steps", "1", "--json"});
            QVERIFY2(r.code == 0, qPrintable(file + ": " + r.json["error"].toString() + r.err));
            QCOMPARE(r.json["steps"].toInt(), 1);
            QVERIFY2(std::isfinite(r.json["metrics"].toObject()["loss"].toDouble()), qPrintable(file));
            // Each preset evaluates on held-out problems, so its run has an outcome to compare.
            QVERIFY2(r.json["metrics"].toObject().contains("eval/pass@1"), qPrintable(file));
            QCOMPARE(r.json["policy"].toString(), QFileInfo(file).completeBaseName());
        }
        // LoRA: the adapter in PEFT's layout beside the merged policy; either one evaluates by path.
        const QString lora = dir_.filePath(QStringLiteral("lora.json"));
        QFile f(lora);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(R"({"algorithm": "dpo", "pairs": "gpo-abs", "run_name": "lora-dpo", "max_steps": 2,
                    "learning_rate": 1e-3, "use_peft": true, "lora_r": 4, "lora_target_modules": "all-linear"})");
        f.close();
        r = gpo({"train", "-p", demo, "-c", lora, "--json"});
        QVERIFY2(r.code == 0, qPrintable(r.json["error"].toString() + r.err));
        const QString adapter = r.json["adapter"].toString();
        QVERIFY(QFileInfo::exists(adapter + "/adapter_config.json"));
        QVERIFY(QFileInfo::exists(adapter + "/adapter_model.safetensors"));
        r = gpo({"eval", "-p", demo, "-d", "demo-test", "--policy", adapter, "--limit", "4", "--json"});
        QVERIFY2(r.code == 0, qPrintable(r.json["error"].toString() + r.err));
        const double fromAdapter = r.json["pass_at_1"].toDouble();
        r = gpo({"eval", "-p", demo, "-d", "demo-test", "--policy", "lora-dpo", "--limit", "4", "--json"});
        QCOMPARE(r.json["pass_at_1"].toDouble(), fromAdapter);
    }

    // The experiment, tiny: every method on two seeds, equal budgets, held-out pass@1 and the tables; a
    // rerun reuses its runs, and other settings under the same name are refused.
    void experimentRunsAndResumes() {
        const QString demo = dir_.filePath(QStringLiteral("demo.gpo"));
        // clang-format off
        const QStringList args = {"experiment", "-p", demo, "--name", "tiny", "--seeds", "1,2",
                                  "--train-pool", "200", "--train-problems", "6", "--samples", "2",
                                  "--heldout", "12", "--dpo-steps", "2", "--grpo-steps", "1", "--json"};
        // clang-format on
        auto r = gpo(args);
        QVERIFY2(r.code == 0, qPrintable(r.json["error"].toString() + r.err));
        const QJsonArray summary = r.json["summary"].toArray(), rows = r.json["rows"].toArray();
        QCOMPARE(summary.size(), 7); // the starting policy and six methods
        QCOMPARE(rows.size(), 12);
        std::map<QString, double> tokens;
        for (const auto& v : rows) {
            const QJsonObject row = v.toObject();
            const double pass = row["heldout_pass_at_1"].toDouble(-1);
            QVERIFY(pass >= 0 && pass <= 1);
            if (row["seed"].toInt() == 1) tokens[row["method"].toString()] = row["sampled_tokens"].toDouble();
        }
        QVERIFY2(tokens["dpo"] >= 0.8 * tokens["gpo-dpo"], qPrintable(QString::number(tokens["dpo"])));
        QCOMPARE(tokens["random-dpo"], tokens["gpo-dpo"]); // the same analysis, another choice of step
        QVERIFY(tokens["grpo"] >= tokens["gpo-grpo"] && tokens["random-grpo"] >= tokens["gpo-grpo"]);
        const QJsonObject gpoDpo = summary[2].toObject();
        QCOMPARE(gpoDpo["method"].toString(), QStringLiteral("gpo-dpo"));
        QCOMPARE(gpoDpo["vs"].toObject()["baseline"].toString(), QStringLiteral("dpo"));
        QCOMPARE(gpoDpo["ci"].toArray().size(), 2);
        const QString out = demo + ".tiny/";
        for (const char* file : {"experiment.md", "experiment.csv", "experiment.json"})
            QVERIFY2(QFileInfo::exists(out + file), file);
        QFile csv(out + "experiment.csv");
        QVERIFY(csv.open(QIODevice::ReadOnly));
        QCOMPARE(csv.readAll().count('\n'), 13);

        // Again: the same run, nothing retrained, the same table.
        auto again = gpo(args);
        QCOMPARE(again.code, 0);
        QCOMPARE(again.json["run_id"].toInt(), r.json["run_id"].toInt());
        QCOMPARE(again.json["markdown"].toString(), r.json["markdown"].toString());
        auto runs = gpo({"runs", "-p", demo, "--kind", "experiment", "--json"});
        QCOMPARE(runs.json["runs"].toArray()[0].toObject()["state"].toString(), QStringLiteral("done"));
        QStringList changed = args;
        changed[changed.indexOf("--dpo-steps") + 1] = "3";
        auto refused = gpo(changed);
        QCOMPARE(refused.code, 1);
        QVERIFY(refused.json["error"].toString().contains("other settings"));
    }

    // A run whose process was killed (kill -9, a studio that died) reads as stopped and resumes; a run
    // whose process is alive is never taken up by a second one.
    void killedRunIsStoppedAndResumable() {
        const QString demo = dir_.filePath(QStringLiteral("demo.gpo"));
        const QStringList analyze = {"analyze",   "-p",      demo, "-d",           "demo-test", "--source",
                                     "reference", "-k",      "4",  "--max-tokens", "64",        "--seed",
                                     "9",         "--batch", "8",  "--group",      "1",         "--json"};
        auto startAndWaitForProgress = [&](QProcess& p) {
            p.start(QStringLiteral(GPO_CLI), analyze);
            QByteArray out;
            while (!out.contains("\"trajectory_id\"") && p.waitForReadyRead(60000))
                out += p.readAllStandardOutput();
            return out.contains("\"trajectory_id\"");
        };
        QProcess victim;
        QVERIFY(startAndWaitForProgress(victim));
        victim.kill(); // SIGKILL: no chance to record anything
        QVERIFY(victim.waitForFinished(10000));
        auto r = gpo({"runs", "-p", demo, "--kind", "analysis", "--json"});
        QCOMPARE(r.code, 0);
        QJsonObject killed = r.json["runs"].toArray()[0].toObject();
        QCOMPARE(killed["status"].toString(), QStringLiteral("running")); // as it was left
        QCOMPARE(killed["state"].toString(), QStringLiteral("stopped"));
        QCOMPARE(killed["resumable"].toBool(), true);
        QVERIFY(killed["pid"].toInteger() > 0 && !killed["host"].toString().isEmpty());
        QProcess text;
        text.start(QStringLiteral(GPO_CLI), {"runs", "-p", demo});
        QVERIFY(text.waitForFinished(30000));
        QVERIFY(QString::fromUtf8(text.readAllStandardOutput()).contains("ended without finishing"));
        // While another analysis runs, --resume refuses to take its run.
        QProcess alive;
        QVERIFY(startAndWaitForProgress(alive));
        r = gpo({"analyze", "-p", demo, "--resume", "--json"});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.json["error"].toString().contains(QStringLiteral("still running")),
                 qPrintable(r.json["error"].toString()));
        alive.terminate(); // SIGTERM: it ends its batch and records the run as cancelled
        QVERIFY(alive.waitForFinished(60000));
        r = gpo({"runs", "-p", demo, "--kind", "analysis", "--json"});
        QCOMPARE(r.json["runs"].toArray()[0].toObject()["state"].toString(), QStringLiteral("cancelled"));
        // Both take up where they stopped and finish.
        for (int i = 0; i < 2; ++i) {
            r = gpo({"analyze", "-p", demo, "--resume", "--json"});
            QVERIFY2(r.code == 0, qPrintable(r.err));
        }
        r = gpo({"runs", "-p", demo, "--kind", "analysis", "--json"});
        for (const auto& run : r.json["runs"].toArray())
            QCOMPARE(run.toObject()["state"].toString(), QStringLiteral("done"));
        QCOMPARE(r.json["runs"].toArray()[0].toObject()["resumable"].toBool(), false);
    }

    // Opening never turns a file that is not a project into one; a failed first import leaves nothing.
    void emptyFileIsNeverAProject() {
        const QString empty = dir_.filePath(QStringLiteral("empty.jsonl"));
        {
            QFile f(empty);
            QVERIFY(f.open(QIODevice::WriteOnly));
        }
        auto r = gpo({"stats", "-p", empty, "--json"});
        QCOMPARE(r.code, 1);
        QVERIFY2(
            r.json["error"].toString().contains(QStringLiteral("not a GPO Studio project (an empty file)")),
            qPrintable(r.json["error"].toString()));
        r = gpo({"import", "-p", empty, "-f", "gsm8k", kData + "gsm8k/train_first200.jsonl"});
        QCOMPARE(r.code, 1);
        QCOMPARE(QFileInfo(empty).size(), qint64(0));
        const QString fresh = dir_.filePath(QStringLiteral("never.gpo"));
        r = gpo({"import", "-p", fresh, "-f", "jsonl", "--json", empty});
        QCOMPARE(r.code, 1);
        QVERIFY(r.json["error"].toString().contains(QStringLiteral("file is empty")));
        QVERIFY(!QFileInfo::exists(fresh));
        QVERIFY(!QFileInfo::exists(fresh + "-wal"));
        // A first file that imports keeps the project even when a later one fails.
        r = gpo({"import", "-p", fresh, "-f", "gsm8k", kData + "gsm8k/train_first200.jsonl", empty});
        QCOMPARE(r.code, 1);
        QVERIFY(QFileInfo::exists(fresh));
    }

    void benchAnalyzeSmall() {
        auto r = gpo({"bench", "analyze", "--trajectories", "4", "-k", "2", "--json"});
        QCOMPARE(r.code, 0);
        QCOMPARE(r.json["trajectories"].toInt(), 4);
        for (const char* key : {"rollouts_per_s", "tokens_per_s", "full_scan_rollouts_per_trajectory",
                                "binary_search_rollouts_per_trajectory"})
            QVERIFY2(r.json[key].toDouble() > 0, key);
        QVERIFY(r.json["binary_search_rollouts_per_trajectory"].toDouble() <=
                r.json["full_scan_rollouts_per_trajectory"].toDouble());
        const double agreement = r.json["first_error_agreement"].toDouble(-1);
        QVERIFY(agreement >= 0 && agreement <= 1);
        r = gpo({"formats", "--json"});
        QCOMPARE(r.json["selectors"].toArray().size(), 6);
    }
    void benchGenerateSmall() {
        auto r = gpo({"bench", "generate", "--hidden", "64", "--layers", "2", "--vocab", "256", "--batches",
                      "1,4", "--prefix", "16", "--new-tokens", "8", "--forks", "4", "--json"});
        QCOMPARE(r.code, 0);
        QVERIFY(r.json["peak_gflops"].toDouble() > 0);
        QVERIFY(r.json["fork_speedup"].toDouble() > 0);
        const QJsonArray runs = r.json["runs"].toArray();
        QVERIFY(runs.size() >= 3);
        for (const auto& run : runs)
            QVERIFY(run.toObject()["tokens_per_s"].toDouble() > 0 && run.toObject().contains("mfu"));
    }
    void benchTrainSmall() {
        auto r = gpo({"bench",
                      "train",
                      "--hidden",
                      "64",
                      "--layers",
                      "2",
                      "--vocab",
                      "256",
                      "--pairs",
                      "2",
                      "--prompt",
                      "8",
                      "--completion",
                      "8",
                      "--steps",
                      "1",
                      "--grpo-prompts",
                      "2",
                      "--grpo-generations",
                      "2",
                      "--grpo-completion",
                      "8",
                      "--json"});
        QCOMPARE(r.code, 0);
        QCOMPARE(r.json["sequence_tokens"].toInt(), 16);
        QVERIFY(r.json["tokens_per_s"].toDouble() > 0);
        QVERIFY(r.json["mfu"].toDouble() > 0 && r.json["mfu"].toDouble() < 1.5);
        const QJsonObject grpo = r.json["grpo"].toObject();
        QVERIFY(grpo["generation_seconds"].toDouble() > 0 && grpo["learning_seconds"].toDouble() > 0);
        QVERIFY(std::abs(grpo["step_seconds"].toDouble() - grpo["generation_seconds"].toDouble() -
                         grpo["learning_seconds"].toDouble()) < 1e-9);
        QVERIFY(grpo["sampled_tokens_per_s"].toDouble() > 0);
    }
    void agreementOnARatingsTable() {
        auto r = gpo({"agreement", "--ratings", GPO_FIXTURES "/ratings/krippendorff2011.csv", "--bootstrap",
                      "200", "--json"});
        QCOMPARE(r.code, 0);
        QCOMPARE(r.json["n_units"].toInt(), 12);
        QCOMPARE(r.json["n_raters"].toInt(), 4);
        QVERIFY(std::abs(r.json["alpha_nominal"].toDouble() - 0.743) < 5e-4);
        QVERIFY(std::abs(r.json["alpha_interval"].toDouble() - 0.849) < 5e-4);
        QVERIFY(r.json["cohen_kappa"].isNull());
        for (const char* key : {"percent_agreement", "fleiss_kappa"})
            QVERIFY(r.json[key].toDouble() > 0);
        QCOMPARE(r.json["ci95"].toObject()["alpha_nominal"].toArray().size(), 2);
        const QString bad = dir_.filePath(QStringLiteral("twice.csv"));
        QFile f(bad);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("unit,rater,value\n1,a,1\n1,a,2\n");
        f.close();
        r = gpo({"agreement", "--ratings", bad, "--json"});
        QCOMPARE(r.code, 1);
        QVERIFY(r.json["error"].toString().contains(QStringLiteral("twice.csv:3")));
        r = gpo({"bench", "agreement", "--units", "300", "--raters", "3", "--bootstrap", "50", "--json"});
        QCOMPARE(r.code, 0);
        QCOMPARE(r.json["result"].toObject()["n_units"].toInt(), 300);
    }
    void studyFromTheCommandLine() {
        auto r = gpo({"study", "create", "-p", project_, "pilot", "--template", "paper", "--dataset", "gsm8k",
                      "--sample", "4", "--annotators", "ann,bob", "--overlap", "1", "--json"});
        QCOMPARE(r.code, 0);
        QCOMPARE(r.json["trajectories"].toInt(), 4);
        QCOMPARE(r.json["config"].toObject()["blind"].toBool(), true);
        const QJsonArray planned = r.json["annotators"].toArray();
        QCOMPARE(planned.size(), 2);
        QCOMPARE(planned[0].toObject()["assigned"].toInt(), 2);
        r = gpo({"study", "create", "-p", project_, "pilot", "--dataset", "gsm8k", "--json"});
        QCOMPARE(r.code, 1);
        QVERIFY(r.json["error"].toString().contains(QStringLiteral("already a study")));
        // Every answer of three people, each a process of its own writing at the same moment.
        QList<qint64> ids;
        std::vector<std::unique_ptr<QProcess>> writers;
        auto start = [&](const QStringList& args) {
            writers.push_back(std::make_unique<QProcess>());
            writers.back()->start(QStringLiteral(GPO_CLI), args);
        };
        const QString pack = dir_.filePath(QStringLiteral("cat.gpostudy"));
        r = gpo({"study", "export", "-p", project_, "pilot", "-o", pack, "--annotator", "cat", "--json"});
        QCOMPARE(r.code, 0);
        QCOMPARE(r.json["trajectories"].toInt(), 4);
        QCOMPARE(r.json["estimates"].toInt(), 0);
        // The study's trajectories, listed from the pack (a pack is a project).
        r = gpo({"ls", "-p", pack, "--limit", "0", "--json"});
        for (const auto& t : r.json["trajectories"].toArray())
            ids.push_back(t.toObject()["id"].toInteger());
        QCOMPARE(ids.size(), 4);
        for (qint64 id : ids)
            for (const char* who : {"ann", "bob"})
                start({"study", "answer", "-p", project_, "pilot", "--annotator", who, "--trajectory",
                       QString::number(id), "--step", "1", "--seconds", "3"});
        for (auto& w : writers)
            w->waitForFinished(60000);
        int ok = 0, notAssigned = 0;
        for (auto& w : writers) {
            const QString err = QString::fromUtf8(w->readAllStandardError());
            ok += w->exitCode() == 0;
            notAssigned += err.contains(QStringLiteral("is not among"));
        }
        QCOMPARE(ok, 4); // overlap 1: each trajectory is one person's
        QCOMPARE(notAssigned, 4);
        // cat answers in the pack, elsewhere; the pack comes back twice.
        r = gpo({"study", "answer", "-p", pack, "pilot", "--annotator", "cat", "--trajectory",
                 QString::number(ids[0]), "--none", "--confidence", "3", "--note", "all fine", "--json"});
        QCOMPARE(r.code, 0);
        r = gpo({"study", "merge", "-p", project_, pack, pack, "--json"});
        QCOMPARE(r.code, 0);
        QCOMPARE(r.json["merged"].toArray()[0].toObject()["added"].toInt(), 1);
        QCOMPARE(r.json["merged"].toArray()[1].toObject()["added"].toInt(), 0);
        QCOMPARE(r.json["merged"].toArray()[1].toObject()["unchanged"].toInt(), 1);
        r = gpo({"study", "ls", "-p", project_, "pilot", "--json"});
        int answered = 0;
        for (const auto& a : r.json["studies"].toArray()[0].toObject()["annotators"].toArray())
            answered += a.toObject()["answered"].toInt();
        QCOMPARE(answered, 5);
        // The statistics and their exports.
        const QString latex = dir_.filePath(QStringLiteral("table.tex"));
        const QString csv = dir_.filePath(QStringLiteral("stats.csv"));
        r = gpo({"agreement", "-p", project_, "--study", "pilot", "--bootstrap", "50", "--latex", latex,
                 "--csv", csv, "--json"});
        QCOMPARE(r.code, 0);
        QCOMPARE(r.json["annotators"].toArray().size(), 3);
        QFile tex(latex);
        QVERIFY(tex.open(QIODevice::ReadOnly));
        QVERIFY(tex.readAll().contains("\\begin{tabular}"));
        QVERIFY(QFile::exists(csv));
        QProcess paperTable; // the paper's table, as text
        paperTable.start(QStringLiteral(GPO_CLI), {"agreement", "-p", project_, "--study", "pilot",
                                                   "--bootstrap", "0", "--per-trajectory"});
        QVERIFY(paperTable.waitForFinished(60000));
        const QString printed = QString::fromUtf8(paperTable.readAllStandardOutput());
        QVERIFY2(printed.contains("most picked") && printed.contains(QString::number(ids[0])),
                 qPrintable(printed));
        const QString rawCsv = dir_.filePath(QStringLiteral("raw.csv"));
        r = gpo({"annotations", "export", "-p", project_, "--study", "pilot", "-o", rawCsv});
        QCOMPARE(r.code, 0);
        QFile raw(rawCsv);
        QVERIFY(raw.open(QIODevice::ReadOnly));
        const QList<QByteArray> rows = raw.readAll().trimmed().split('\n');
        QCOMPARE(rows.size(), 1 + 5);
        // Steps are numbered as the studio and --step number them: answered "--step 1", exported 1.
        const int column = static_cast<int>(rows[0].split(',').indexOf("critical_step"));
        QVERIFY(column > 0);
        int stepOne = 0;
        for (const auto& row : rows.mid(1))
            stepOne += row.split(',').value(column) == "1";
        QCOMPARE(stepOne, 4); // ann's and bob's; cat answered "no single step"
        const QString rawJson = dir_.filePath(QStringLiteral("raw.json"));
        r = gpo(
            {"annotations", "export", "-p", project_, "--study", "pilot", "--format", "json", "-o", rawJson});
        QCOMPARE(r.code, 0);
        QFile rawJ(rawJson);
        QVERIFY(rawJ.open(QIODevice::ReadOnly));
        int jsonStepOne = 0;
        for (const auto& a : QJsonDocument::fromJson(rawJ.readAll()).array())
            jsonStepOne += a.toObject()["critical_step"].toInt() == 1;
        QCOMPARE(jsonStepOne, 4);
        const QString reportJson = dir_.filePath(QStringLiteral("report.json"));
        r = gpo({"agreement", "-p", project_, "--study", "pilot", "--bootstrap", "0", "-o", reportJson});
        QCOMPARE(r.code, 0);
        QFile report(reportJson);
        QVERIFY(report.open(QIODevice::ReadOnly));
        int modalOne = 0;
        for (const auto& t : QJsonDocument::fromJson(report.readAll()).object()["per_trajectory"].toArray())
            modalOne += t.toObject()["modal_step"].toInt() == 1;
        QCOMPARE(modalOne, 3); // the three trajectories that only ann or bob answered
        r = gpo({"annotations", "import-labels", "-p", project_, "gsm8k", "--json"});
        QCOMPARE(r.code, 1);
        QVERIFY(r.json["error"].toString().contains(QStringLiteral("holds no step labels")));
    }
    void benchImportSmall() {
        auto r = gpo({"bench", "import", "--trajectories", "2000", "--workdir",
                      dir_.filePath(QStringLiteral("bench")), "--json"});
        QCOMPARE(r.code, 0);
        QCOMPARE(r.json["trajectories"].toInt(), 2000);
        QVERIFY(r.json["seconds"].toDouble() > 0);
        QVERIFY(r.json["trajectories_per_s"].toDouble() > 0);
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "test_cli.moc"
