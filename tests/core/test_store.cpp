// The project database: idempotent import, all-or-nothing files, verdicts, answer linking, and the
// errors a user meets (not a project, read-only, locked, newer schema).
#include "builtin.h"
#include "store/exporter.h"
#include "store/importer.h"
#include "store/queries.h"
#include "store/verification.h"
#include "thrown.h"
#include "util/input_error.h"

#include <QtTest>
#include <filesystem>
#include <fstream>
#include <sqlite3.h>
#include <sstream>

using namespace gpo;

namespace {
const std::string kData = std::string(GPO_FIXTURES) + "/data/";
const std::string kBad = std::string(GPO_FIXTURES) + "/bad/";
} // namespace

class TestStore : public QObject {
    Q_OBJECT
    std::unique_ptr<Registry> registry_ = plugins::standardRegistry();
    QTemporaryDir dir_;

    std::string fresh(const char* name) { return dir_.filePath(name).toStdString(); }
    ImportResult import(Project& p, const std::string& format, const std::string& path,
                        const std::string& dataset = {}, bool skipBad = false) {
        ImportOptions o;
        o.format = format;
        o.dataset = dataset;
        o.skipBad = skipBad;
        return Importer(p, *registry_).importPath(path, o);
    }

private slots:
    void importIsIdempotent() {
        auto p = Project::open(fresh("idem.gpo"), OpenMode::Create);
        auto first = import(p, "gsm8k", kData + "gsm8k/train_first200.jsonl");
        QCOMPARE(first.problemsAdded, int64_t(200));
        QCOMPARE(first.trajectoriesAdded, int64_t(200));
        auto again = import(p, "gsm8k", kData + "gsm8k/train_first200.jsonl");
        QCOMPARE(again.problemsAdded, int64_t(0));
        QCOMPARE(again.trajectoriesAdded, int64_t(0));
        QCOMPARE(again.duplicates, int64_t(200));
        const auto s = projectStats(p);
        QCOMPARE(s.problems, int64_t(200));
        QCOMPARE(s.trajectories, int64_t(200));
        QCOMPARE(s.steps, first.stepsAdded);
    }
    void badFileCommitsNothing() {
        auto p = Project::open(fresh("bad.gpo"), OpenMode::Create);
        QVERIFY_THROWS_EXCEPTION(InputError, import(p, "gsm8k", kBad + "gsm8k_broken_line2.jsonl"));
        QCOMPARE(projectStats(p).problems, int64_t(0));
        QCOMPARE(projectStats(p).datasets.size(), size_t(0)); // not even the dataset row
        auto r = import(p, "gsm8k", kBad + "gsm8k_broken_line2.jsonl", {}, true);
        QCOMPARE(r.problemsAdded, int64_t(2));
        QCOMPARE(r.skipped.size(), size_t(1));
    }
    void referenceSolutionsVerify() {
        // The verifier floor: every reference solution verifies against its own answer.
        auto p = Project::open(fresh("refs.gpo"), OpenMode::Create);
        import(p, "gsm8k", kData + "gsm8k/train_first200.jsonl");
        import(p, "gsm8k", kData + "gsm8k/test.jsonl"); // all 1,319 test solutions, none lost to extraction
        import(p, "math", kData + "math");
        import(p, "math500", kData + "math500/test_first3.jsonl");
        for (const char* ds : {"gsm8k", "math", "math500"}) {
            VerifyOptions o;
            o.dataset = ds;
            const auto r = verifyTrajectories(p, *registry_, o);
            QVERIFY2(r.n > 0, ds);
            QVERIFY2(r.correct == r.n,
                     qPrintable(QStringLiteral("%1: %2 of %3").arg(ds).arg(r.correct).arg(r.n)));
        }
        TrajectoryFilter wrong;
        wrong.correctness = Correctness::Incorrect;
        QVERIFY(trajectoryIds(p, wrong).empty());
    }
    void processBenchTakesAnswersFromItsSourceDataset() {
        auto p = Project::open(fresh("link.gpo"), OpenMode::Create);
        // A GSM8K-format file holding the same question as a ProcessBench record.
        const std::string gsm = dir_.filePath("gsm_same.jsonl").toStdString();
        std::ofstream(gsm)
            << R"({"question": "Sue lives in a fun neighborhood.  One weekend, the neighbors decided to play a prank on Sue.  On Friday morning, the neighbors placed 18 pink plastic flamingos out on Sue's front yard.  On Saturday morning, the neighbors took back one third of the flamingos, painted them white, and put these newly painted white flamingos back out on Sue's front yard.  Then, on Sunday morning, they added another 18 pink plastic flamingos to the collection. At noon on Sunday, how many more pink plastic flamingos were out than white plastic flamingos?", "answer": "x\n#### 24"})"
               "\n";
        auto pb = import(p, "processbench", kData + "processbench/gsm8k_first30.json", "processbench-gsm8k");
        QCOMPARE(pb.answersLinked, int64_t(0));
        auto g = import(p, "gsm8k", gsm);
        QCOMPARE(g.answersLinked, int64_t(1));
        auto d = loadTrajectory(p, 1).value();
        QCOMPARE(d.problem.answer, std::string("24"));
        QCOMPARE(d.answerFrom, std::string("gsm8k"));
        VerifyOptions o;
        o.dataset = "processbench-gsm8k";
        const auto r = verifyTrajectories(p, *registry_, o);
        QCOMPARE(r.n, int64_t(1));
        QCOMPARE(r.labeled, int64_t(1));
        QCOMPARE(r.agreeWithLabels, int64_t(1)); // the model answered 30, the label says wrong
        QCOMPARE(r.noReference.size(), size_t(29));
    }
    void stepsRoundTrip() {
        auto p = Project::open(fresh("steps.gpo"), OpenMode::Create);
        import(p, "prm800k", kData + "prm800k/prm800k-phase2-train-example.json");
        TrajectoryFilter f;
        f.source = "prm800k-generator-gen6";
        const auto ids = trajectoryIds(p, f);
        QCOMPARE(ids.size(), size_t(1));
        const auto d = loadTrajectory(p, ids[0]).value();
        QVERIFY(d.trajectory.steps.size() > 3);
        QCOMPARE(d.trajectory.steps[0].label.value(), 1);
        QCOMPARE(
            std::string(stepText(d.trajectory, 0)),
            std::string(
                "I notice that there are three groups of people: Democrats, Republicans, and Independent."));
    }
    void exportReimports() {
        auto p = Project::open(fresh("export.gpo"), OpenMode::Create);
        import(p, "processbench", kData + "processbench/math_first30.json");
        std::ostringstream out;
        QCOMPARE(exportJsonl(p, {}, out), int64_t(30));
        const std::string file = dir_.filePath("export.jsonl").toStdString();
        std::ofstream(file) << out.str();
        auto q = Project::open(fresh("reimport.gpo"), OpenMode::Create);
        auto r = import(q, "jsonl", file);
        QCOMPARE(r.trajectoriesAdded, int64_t(30));
        const auto a = loadTrajectory(p, 5).value(), b = loadTrajectory(q, 5).value();
        QCOMPARE(a.trajectory.steps.size(), b.trajectory.steps.size());
        QCOMPARE(a.trajectory.firstError, b.trajectory.firstError);
        QCOMPARE(std::string(stepText(a.trajectory, 1)), std::string(stepText(b.trajectory, 1)));
        QCOMPARE(b.dataset, std::string("processbench"));
    }
    void filters() {
        auto p = Project::open(fresh("filter.gpo"), OpenMode::Create);
        import(p, "gsm8k", kData + "gsm8k/train_first200.jsonl");
        import(p, "math", kData + "math");
        TrajectoryFilter f;
        f.dataset = "math";
        QCOMPARE(trajectoryIds(p, f).size(), size_t(49));
        f = {};
        f.text = "NATALIA"; // case-insensitive
        QCOMPARE(trajectoryIds(p, f).size(), size_t(1));
        f = {};
        f.correctness = Correctness::Unverified;
        QCOMPARE(trajectoryIds(p, f).size(), size_t(249));
    }
    void notAProject() {
        const std::string text = fresh("notes.txt");
        std::ofstream(text)
            << "these are my notes, not a database, but long enough to have a header of sorts......";
        const auto e = thrown<StoreError>([&] { Project::open(text); });
        QVERIFY2(e.has_value(), "opened");
        QVERIFY2(std::string(e->what()).find("not a GPO Studio project") != std::string::npos, e->what());
        // An SQLite database of another application.
        const std::string other = fresh("other.db");
        sqlite3* db = nullptr;
        sqlite3_open(other.c_str(), &db);
        sqlite3_exec(db, "CREATE TABLE t(x)", nullptr, nullptr, nullptr);
        sqlite3_close(db);
        const auto e2 = thrown<StoreError>([&] { Project::open(other); });
        QVERIFY2(e2.has_value(), "opened");
        QVERIFY2(std::string(e2->what()).find("another application") != std::string::npos, e2->what());
        QVERIFY_THROWS_EXCEPTION(StoreError, Project::open(fresh("missing.gpo"), OpenMode::Existing));
    }
    void emptyFileIsNotOpenedAsAProject() {
        const std::string path = fresh("empty.jsonl");
        { std::ofstream touch(path); }
        for (const OpenMode mode : {OpenMode::Existing, OpenMode::ReadOnly, OpenMode::Create}) {
            const auto e = thrown<StoreError>([&] { Project::open(path, mode); });
            QVERIFY2(e.has_value(), "opened");
            QVERIFY2(std::string(e->what()).find("an empty file") != std::string::npos, e->what());
        }
        QCOMPARE(std::filesystem::file_size(path), std::uintmax_t(0)); // not written into
        QVERIFY(!std::filesystem::exists(path + "-wal"));
    }
    void readOnlyFile() {
        if (geteuid() == 0) QSKIP("root ignores file permissions");
        const std::string path = fresh("ro.gpo");
        { Project::open(path, OpenMode::Create); }
        std::filesystem::permissions(path, std::filesystem::perms::owner_read);
        const auto e = thrown<StoreError>([&] { Project::open(path, OpenMode::Existing); });
        QVERIFY2(e.has_value(), "opened");
        QVERIFY2(std::string(e->what()).find("read-only") != std::string::npos, e->what());
    }
    void readOnlyModeRefusesWrites() {
        const std::string path = fresh("romode.gpo");
        { Project::open(path, OpenMode::Create); }
        auto p = Project::open(path, OpenMode::ReadOnly);
        const auto e = thrown<StoreError>([&] { import(p, "gsm8k", kData + "gsm8k/train_first200.jsonl"); });
        QVERIFY2(e.has_value(), "wrote");
        QVERIFY2(std::string(e->what()).find("read-only") != std::string::npos, e->what());
    }
    void lockedProject() {
        const std::string path = fresh("locked.gpo");
        auto writer = Project::open(path, OpenMode::Create);
        writer.db().exec("BEGIN IMMEDIATE");
        writer.db().exec("INSERT INTO annotators(name) VALUES('holding the lock')");
        auto other = Project::open(path, OpenMode::Existing);
        sqlite3_busy_timeout(other.db().handle(), 100); // do not wait 5 s in a test
        const auto e =
            thrown<StoreError>([&] { import(other, "gsm8k", kData + "gsm8k/train_first200.jsonl"); });
        QVERIFY2(e.has_value(), "wrote through a lock");
        QVERIFY2(std::string(e->what()).find("another process") != std::string::npos, e->what());
        writer.db().exec("COMMIT");
        QCOMPARE(import(other, "gsm8k", kData + "gsm8k/train_first200.jsonl").problemsAdded, int64_t(200));
    }
    void newerSchemaRefused() {
        const std::string path = fresh("future.gpo");
        {
            auto p = Project::open(path, OpenMode::Create);
            p.db().exec("PRAGMA user_version = 999");
        }
        const auto e = thrown<StoreError>([&] { Project::open(path); });
        QVERIFY2(e.has_value(), "opened");
        QVERIFY2(std::string(e->what()).find("newer") != std::string::npos, e->what());
    }
};

QTEST_GUILESS_MAIN(TestStore)
#include "test_store.moc"
