// Every built-in reader on the real published samples (tests/fixtures/data), and on bad input.
#include "builtin.h"
#include "data/input_files.h"
#include "data/types.h"
#include "thrown.h"

#include <QtTest>

using namespace gpo;

namespace {
const std::string kData = std::string(GPO_FIXTURES) + "/data/";
const std::string kBad = std::string(GPO_FIXTURES) + "/bad/";

struct Read {
    std::vector<ReadRecord> records;
    ReadReport report;
};
} // namespace

class TestReaders : public QObject {
    Q_OBJECT
    std::unique_ptr<Registry> registry_ = plugins::standardRegistry();

    Read read(const std::string& format, const std::string& path, bool skipBad = false, size_t maxLine = 0) {
        Read r;
        ReadContext ctx;
        if (maxLine) ctx.maxLineBytes = maxLine;
        ctx.segmenter = registry_->segmenter("newline");
        ctx.skipBad = skipBad;
        registry_->requireReader(format).read(
            path, ctx, [&](ReadRecord&& rec) { r.records.push_back(std::move(rec)); }, r.report);
        return r;
    }

private slots:
    void gsm8k() {
        auto r = read("gsm8k", kData + "gsm8k/train_first200.jsonl");
        QCOMPARE(r.records.size(), size_t(200));
        const auto& first = r.records.front().record;
        QCOMPARE(first.problem.answer, std::string("72"));
        QCOMPARE(first.trajectories.size(), size_t(1));
        const auto& t = first.trajectories.front();
        QCOMPARE(t.source, std::string("reference"));
        QVERIFY(t.response.find("<<") == std::string::npos); // calculator annotations stripped
        QCOMPARE(std::string(stepText(t, 0)), std::string("Natalia sold 48/2 = 24 clips in May."));
        QCOMPARE(std::string(stepText(t, t.steps.size() - 1)), std::string("#### 72"));
        QCOMPARE(first.problem.split, std::string("train"));
    }
    void mathFolder() {
        auto r = read("math", kData + "math");
        QCOMPARE(r.records.size(), size_t(49));
        const auto& p = r.records.front().record.problem;
        QCOMPARE(p.sourceId, std::string("train/algebra/0.json"));
        QCOMPARE(p.answer, std::string("0"));
        QCOMPARE(p.level, std::string("Level 5"));
        QCOMPARE(p.subject, std::string("Algebra"));
        QCOMPARE(p.split, std::string("train"));
        // natural order: 0, 3, 4 … not 0, 3, 4 … lexicographic "10" before "2"
        QCOMPARE(r.records[1].record.problem.sourceId, std::string("train/algebra/3.json"));
    }
    void mathSingleFile() {
        auto r = read("math", kData + "math/train/number_theory/15.json");
        QCOMPARE(r.records.size(), size_t(1));
        QCOMPARE(r.records[0].record.problem.sourceId, std::string("train/number_theory/15.json"));
    }
    void math500() {
        auto r = read("math500", kData + "math500/test_first3.jsonl");
        QCOMPARE(r.records.size(), size_t(3));
        const auto& p = r.records[0].record.problem;
        QCOMPARE(p.answer, std::string("\\left( 3, \\frac{\\pi}{2} \\right)"));
        QCOMPARE(p.level, std::string("Level 2"));
        QCOMPARE(p.sourceId, std::string("test/precalculus/807.json"));
        QCOMPARE(r.records[0].record.trajectories.size(), size_t(1));
    }
    void aime() {
        auto a24 = read("aime", kData + "aime24/test_first5.jsonl");
        QCOMPARE(a24.records.size(), size_t(5));
        QCOMPARE(a24.records[0].record.problem.answer, std::string("204"));
        QCOMPARE(a24.records[0].record.trajectories.size(), size_t(1));
        auto a25 = read("aime", kData + "aime25/test_first5.jsonl");
        QCOMPARE(a25.records.size(), size_t(5));
        QCOMPARE(a25.records[0].record.problem.answer, std::string("70")); // an integer in the file
        QVERIFY(a25.records[0].record.trajectories.empty());
    }
    void bbh() {
        auto r = read("bbh", kData + "bbh/date_understanding.json");
        QCOMPARE(r.records.size(), size_t(250));
        QCOMPARE(r.records[0].record.problem.subject, std::string("date_understanding"));
        QCOMPARE(r.records[0].record.problem.verifier, std::string("choice")); // "(A)"-style targets
        auto b = read("bbh", kData + "bbh/boolean_expressions.json");
        QCOMPARE(b.records[0].record.problem.verifier, std::string("exact"));
    }
    void mmlu() {
        auto r = read("mmlu", kData + "mmlu/test/abstract_algebra_test.csv");
        QCOMPARE(r.records.size(), size_t(100));
        const auto& p = r.records[0].record.problem;
        QCOMPARE(p.subject, std::string("abstract_algebra"));
        QCOMPARE(p.split, std::string("test"));
        QCOMPARE(p.answer, std::string("B"));
        QVERIFY(p.question.find("\nA. 0\nB. 4\nC. 2\nD. 6") != std::string::npos);
    }
    void mmluProParquet() {
        auto r = read("mmlupro", kData + "mmlu_pro/validation-00000-of-00001.parquet");
        QCOMPARE(r.records.size(), size_t(70));
        for (const auto& rec : r.records) {
            const auto& p = rec.record.problem;
            QVERIFY(p.answer.size() == 1 && p.answer[0] >= 'A' && p.answer[0] <= 'J');
            QVERIFY(!p.subject.empty());
            QVERIFY(p.question.find("\nA. ") != std::string::npos);
        }
        QCOMPARE(r.records[0].record.trajectories.size(), size_t(1)); // the validation split's worked CoT
    }
    void processbench() {
        auto r = read("processbench", kData + "processbench/gsm8k_first30.json");
        QCOMPARE(r.records.size(), size_t(30));
        const auto& rec = r.records[0].record;
        QCOMPARE(rec.problem.sourceId, std::string("gsm8k-0"));
        QCOMPARE(rec.problem.subject, std::string("gsm8k"));
        QCOMPARE(rec.trajectories[0].source, std::string("Qwen2-7B-Instruct"));
        QCOMPARE(rec.trajectories[0].firstError.value(), 1);
        QCOMPARE(rec.trajectories[0].labeledCorrect.value(), false);
        QVERIFY(rec.problem.answer.empty());
        QCOMPARE(r.records[0].record.line, int64_t(2)); // element lines inside the JSON array
    }
    void prm800k() {
        auto r = read("prm800k", kData + "prm800k/prm800k-phase2-train-example.json");
        QCOMPARE(r.records.size(), size_t(1));
        const auto& rec = r.records[0].record;
        QCOMPARE(rec.problem.answer, std::string("28800"));
        QCOMPARE(rec.trajectories.size(), size_t(2));
        const auto& rated = rec.trajectories[0];
        QCOMPARE(rated.steps[0].label.value(), 1);
        QVERIFY(rated.firstError.has_value());
        QCOMPARE(rated.steps[static_cast<size_t>(*rated.firstError)].label.value(), -1);
        QCOMPARE(rec.trajectories[1].source, std::string("reference"));
    }
    void genericJsonl() {
        QTemporaryDir dir;
        const QString path = dir.filePath("mine.jsonl");
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(
            R"({"problem": "1+1?", "answer": "2", "steps": ["1+1=2", "The answer is 2."], "model": "m1", "step_labels": [1, null], "first_error": -1})"
            "\n");
        f.write(
            R"({"problem": "2+2?", "answer": 4, "response": "2+2=4\nSo 4.", "dataset": "other", "verifier": "gsm8k", "correct": true})"
            "\n");
        f.close();
        auto r = read("jsonl", path.toStdString());
        QCOMPARE(r.records.size(), size_t(2));
        QCOMPARE(r.records[0].record.trajectories[0].source, std::string("m1"));
        QCOMPARE(r.records[0].record.trajectories[0].steps[0].label.value(), 1);
        QVERIFY(!r.records[0].record.trajectories[0].steps[1].label.has_value());
        QCOMPARE(r.records[1].dataset, std::string("other"));
        QCOMPARE(r.records[1].record.problem.answer, std::string("4"));
        QCOMPARE(r.records[1].record.trajectories[0].steps.size(), size_t(2));
        QCOMPARE(r.records[1].record.trajectories[0].labeledCorrect.value(), true);
    }

    // ---- bad input: each names the file, the line and the cause
    void brokenJsonLine() {
        const auto e = thrown<InputError>([&] { read("gsm8k", kBad + "gsm8k_broken_line2.jsonl"); });
        QVERIFY2(e.has_value(), "no error");
        QCOMPARE(e->line(), int64_t(2));
        QVERIFY(e->file().find("gsm8k_broken_line2.jsonl") != std::string::npos);
        QVERIFY2(e->cause().find("invalid JSON") != std::string::npos, e->what());
    }
    void skipBadGoesOn() {
        auto r = read("gsm8k", kBad + "gsm8k_broken_line2.jsonl", true);
        QCOMPARE(r.records.size(), size_t(2));
        QCOMPARE(r.report.skipped.size(), size_t(1));
        QCOMPARE(r.report.skipped[0].line(), int64_t(2));
    }
    void wrongFieldType() {
        const auto e = thrown<InputError>([&] { read("gsm8k", kBad + "gsm8k_wrong_type_line2.jsonl"); });
        QVERIFY2(e.has_value(), "no error");
        QCOMPARE(e->line(), int64_t(2));
        QVERIFY2(e->cause().find("'question' must be a string") != std::string::npos, e->what());
    }
    void outOfRangeLabel() {
        const auto e =
            thrown<InputError>([&] { read("jsonl", kBad + "jsonl_first_error_out_of_range.jsonl"); });
        QVERIFY2(e.has_value(), "no error");
        QVERIFY2(e->cause().find("first_error") != std::string::npos, e->what());
    }
    void emptyFile() {
        const auto e = thrown<InputError>([&] { read("gsm8k", kBad + "empty.jsonl"); });
        QVERIFY2(e.has_value(), "no error");
        QVERIFY2(e->cause().find("empty") != std::string::npos, e->what());
    }
    void binaryAndNonUtf8() {
        QTemporaryDir dir;
        const QString bin = dir.filePath("garbage.jsonl");
        QFile f(bin);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray("{\"question\": \"x\"}\n\x7f\x45\x4c\x46\x02\x01\x00\x00binary", 36));
        f.close();
        const auto e = thrown<InputError>([&] { read("gsm8k", bin.toStdString()); });
        QVERIFY2(e.has_value(), "no error");
        QCOMPARE(e->line(), int64_t(2));
        QVERIFY2(e->cause().find("binary") != std::string::npos, e->what());
        const QString latin1 = dir.filePath("latin1.jsonl");
        QFile g(latin1);
        QVERIFY(g.open(QIODevice::WriteOnly));
        g.write("{\"question\": \"ok\", \"answer\": \"#### 1\"}\n{\"question\": \"caf\xe9\", \"answer\": "
                "\"#### 1\"}\n");
        g.close();
        const auto e2 = thrown<InputError>([&] { read("gsm8k", latin1.toStdString()); });
        QVERIFY2(e2.has_value(), "no error");
        QCOMPARE(e2->line(), int64_t(2));
        QVERIFY2(e2->cause().find("UTF-8") != std::string::npos, e2->what());
    }
    void hugeLine() {
        QTemporaryDir dir;
        const QString path = dir.filePath("huge.jsonl");
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("{\"question\": \"short\", \"answer\": \"#### 1\"}\n");
        f.write("{\"question\": \"" + QByteArray(200000, 'x') + "\", \"answer\": \"#### 2\"}\n");
        f.close();
        // Under the limit a long line is fine; over it, the line is named and nothing is parsed.
        QCOMPARE(read("gsm8k", path.toStdString()).records.size(), size_t(2));
        const auto e = thrown<InputError>([&] { read("gsm8k", path.toStdString(), false, 100000); });
        QVERIFY2(e.has_value(), "no error");
        QCOMPARE(e->line(), int64_t(2));
        QVERIFY2(e->cause().find("longer than the limit") != std::string::npos, e->what());
        auto skipped = read("gsm8k", path.toStdString(), true, 100000);
        QCOMPARE(skipped.records.size(), size_t(1));
        QCOMPARE(skipped.report.skipped.size(), size_t(1));
    }
    void csvUnterminatedQuote() {
        const auto e = thrown<InputError>([&] { read("mmlu", kBad + "mmlu_unterminated_test.csv"); });
        QVERIFY2(e.has_value(), "no error");
        QCOMPARE(e->line(), int64_t(2));
        QVERIFY2(e->cause().find("unterminated") != std::string::npos, e->what());
    }
    void directoryWhereAFileIsRead() {
        const auto e = thrown<InputError>([&] { read("gsm8k", kData + "gsm8k"); });
        QVERIFY2(e.has_value(), "no error");
        QVERIFY2(e->cause().find("is a directory") != std::string::npos, e->what());
    }
    void foldersAndGlobsNameTheFormatsFiles() {
        const auto mmlu = inputFiles(kData + "mmlu", registry_->requireReader("mmlu"));
        QCOMPARE(mmlu.size(), size_t(6));
        QVERIFY(std::is_sorted(mmlu.begin(), mmlu.end()));
        QCOMPARE(registry_->requireReader("mmlu").fewShotSplit(mmlu.front()), std::string("dev"));
        QCOMPARE(registry_->requireReader("mmlu").fewShotSplit(mmlu[2]), std::string());
        QCOMPARE(registry_->requireReader("mmlupro").fewShotSplit(
                     kData + "mmlu_pro/validation-00000-of-00001.parquet"),
                 std::string("validation"));
        QCOMPARE(inputFiles(kData + "math", registry_->requireReader("math")),
                 std::vector<std::string>{kData + "math"}); // MATH reads its own tree
        QCOMPARE(inputFiles(kData + "bbh/*.json", registry_->requireReader("bbh")).size(), size_t(3));
        QTemporaryDir empty;
        const auto e = thrown<InputError>(
            [&] { inputFiles(empty.path().toStdString(), registry_->requireReader("gsm8k")); });
        QVERIFY2(e.has_value() && e->cause().find("no .jsonl, .json file") != std::string::npos,
                 e ? e->what() : "no error");
        QVERIFY(
            thrown<InputError>([&] { inputFiles(kData + "none/*.csv", registry_->requireReader("mmlu")); }));
    }
    void missingFile() {
        const auto e = thrown<InputError>([&] { read("gsm8k", "/nonexistent/file.jsonl"); });
        QVERIFY2(e.has_value(), "no error");
        QVERIFY2(e->cause().find("cannot open") != std::string::npos, e->what());
    }
};

QTEST_GUILESS_MAIN(TestReaders)
#include "test_readers.moc"
