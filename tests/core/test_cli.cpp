// The gpo command as users and scripts call it: JSON results, exit codes, errors that name the file.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QtTest>

namespace {
const QString kData = QStringLiteral(GPO_FIXTURES) + QStringLiteral("/data/");

struct Run {
    int code;
    QJsonObject json;
    QString err;
};

Run gpo(const QStringList& args) {
    QProcess p;
    p.start(QStringLiteral(GPO_CLI), args);
    p.waitForFinished(120000);
    const QByteArray out = p.readAllStandardOutput();
    const QList<QByteArray> lines = out.trimmed().split('\n');
    Run r{p.exitCode(), QJsonDocument::fromJson(lines.isEmpty() ? QByteArray() : lines.last()).object(),
          QString::fromUtf8(p.readAllStandardError())};
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
