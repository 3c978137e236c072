// Training beyond one process, through gpo as users run it: `--nproc` ranks against one process on the
// same global batch, a rank that dies, torchrun's and Slurm's environment.
#include "model/safetensors.h"
#include "store/runs.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>
#include <csignal>
#include <map>

namespace {

struct Run {
    int code = -1;
    std::vector<QJsonObject> lines; ///< every JSON line of stdout
    QString err;
    QJsonObject last() const { return lines.empty() ? QJsonObject() : lines.back(); }
};

Run runGpo(const QStringList& args, const QStringList& env = {}) {
    QProcess p;
    if (!env.isEmpty()) {
        QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
        for (const QString& kv : env)
            e.insert(kv.section('=', 0, 0), kv.section('=', 1));
        p.setProcessEnvironment(e);
    }
    p.start(QStringLiteral(GPO_CLI), args);
    p.waitForFinished(280000);
    Run r;
    r.code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    for (const QByteArray& line : p.readAllStandardOutput().split('\n'))
        if (line.startsWith('{')) r.lines.push_back(QJsonDocument::fromJson(line).object());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

QString writeConfig(const QString& path, const QString& json) {
    QFile f(path);
    f.open(QIODevice::WriteOnly);
    f.write(json.toUtf8());
    return path;
}

std::map<int, double> lossBySteps(const Run& r) {
    std::map<int, double> out;
    for (const auto& j : r.lines)
        if (j["event"].toString() == QLatin1String("train") && j.contains(QLatin1String("loss")))
            out[j["step"].toInt()] = j["loss"].toDouble();
    return out;
}

double maxDifference(const std::string& a, const std::string& b) {
    const gpo::model::SafetensorsFile x(a), y(b);
    double worst = 0;
    for (const auto& t : x.tensors()) {
        const gpo::model::TensorInfo* u = y.find(t.name);
        if (!u || u->shape != t.shape || t.dtype != gpo::model::DType::F32) return INFINITY;
        const auto* p = reinterpret_cast<const float*>(x.data(t));
        const auto* q = reinterpret_cast<const float*>(y.data(*u));
        for (int64_t i = 0; i < t.numel(); ++i)
            worst = std::max(worst, static_cast<double>(std::fabs(p[i] - q[i])));
    }
    return worst;
}

} // namespace

class TestDistributed : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;
    QString project_;

private slots:
    void initTestCase() {
        project_ = dir_.filePath(QStringLiteral("dist.gpo"));
        const Run r =
            runGpo({"demo", "-p", project_, "--policy", QStringLiteral(GPO_DEMO_POLICY), "--train", "0",
                    "--test", "16", "--eval-problems", "16", "--analysis-rollouts", "0", "--json"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
    }

    // Two ranks with 4 pairs each make the same steps as one process with 8: the same loss at every
    // step (float tolerance) and the same weights.
    void twoRanksMatchOneProcess() {
        const QString common = R"("algorithm": "dpo", "pairs": {"from": "whole", "dataset": "demo-test"},
            "learning_rate": 1e-4, "max_steps": 3, "logging_steps": 1, "save_steps": 100, "seed": 7)";
        const QString one =
            writeConfig(dir_.filePath("one.json"),
                        "{" + common + R"(, "run_name": "one", "per_device_train_batch_size": 8})");
        const QString two =
            writeConfig(dir_.filePath("two.json"),
                        "{" + common + R"(, "run_name": "two", "per_device_train_batch_size": 4})");
        const Run a = runGpo({"train", "-p", project_, "-c", one, "--json"});
        QVERIFY2(a.code == 0, qPrintable(a.err));
        const Run b = runGpo({"train", "-p", project_, "-c", two, "--nproc", "2", "--json"});
        QVERIFY2(b.code == 0, qPrintable(b.err));
        const auto la = lossBySteps(a), lb = lossBySteps(b);
        QCOMPARE(la.size(), size_t(3));
        QCOMPARE(lb.size(), size_t(3));
        for (const auto& [step, loss] : la)
            QVERIFY2(std::fabs(loss - lb.at(step)) < 1e-5,
                     qPrintable(QString("step %1: %2 vs %3").arg(step).arg(loss).arg(lb.at(step))));
        QVERIFY(la.at(3) < la.at(1)); // it learned something, so equal weights mean something
        // Only rank 0 reports: one result line, one run recorded per config.
        QCOMPARE(b.last()["steps"].toInt(), 3);
        const double diff =
            maxDifference(a.last()["policy_path"].toString().toStdString() + "/model.safetensors",
                          b.last()["policy_path"].toString().toStdString() + "/model.safetensors");
        QVERIFY2(diff < 1e-5, qPrintable(QString("weights differ by %1").arg(diff)));
        const QString checkpointA = QFileInfo(a.last()["policy_path"].toString()).path() + "/checkpoint";
        const QString checkpointB = QFileInfo(b.last()["policy_path"].toString()).path() + "/checkpoint";
        QVERIFY(maxDifference(checkpointA.toStdString() + "/model.safetensors",
                              checkpointB.toStdString() + "/model.safetensors") < 1e-5);
        // The run's config says how its ranks talked.
        gpo::Project p = gpo::Project::open(project_.toStdString());
        const auto config = gpo::runConfig(p, b.last()["run_id"].toInteger());
        QCOMPARE(config["resolved"].value("distributed_backend", std::string()), std::string("gloo"));
        QCOMPARE(config["resolved"].value("world_size", 0), 2);
        QVERIFY(
            !gpo::runConfig(p, a.last()["run_id"].toInteger())["resolved"].contains("distributed_backend"));
    }

    // GRPO's sampling is split over the ranks too; one step runs through.
    void grpoRunsOnTwoRanks() {
        const QString c =
            writeConfig(dir_.filePath("grpo.json"), R"({"algorithm": "grpo", "dataset": "demo-test",
            "run_name": "grpo2", "num_generations": 4, "per_device_train_batch_size": 8,
            "max_completion_length": 48, "max_steps": 1, "learning_rate": 1e-5})");
        const Run r = runGpo({"train", "-p", project_, "-c", c, "--nproc", "2", "--json"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QCOMPARE(r.last()["steps"].toInt(), 1);
        QVERIFY(std::isfinite(r.last()["metrics"].toObject()["reward"].toDouble()));
        const QString run = QFileInfo(r.last()["policy_path"].toString()).path();
        QVERIFY(QFileInfo::exists(run + "/samples.jsonl"));
        QVERIFY(QFileInfo::exists(run + "/samples-rank1.jsonl"));
    }

    // A rank killed mid-run ends the other with a clear error; --resume takes the run up from its last
    // checkpoint and finishes it.
    void aDeadRankEndsTheRunResumably() {
        const QString c = writeConfig(dir_.filePath("long.json"), R"({"algorithm": "dpo", "run_name": "long",
            "pairs": {"from": "whole", "dataset": "demo-test"}, "per_device_train_batch_size": 4,
            "max_steps": 400, "save_steps": 2, "logging_steps": 1})");
        QProcess launcher;
        launcher.start(QStringLiteral(GPO_CLI), {"train", "-p", project_, "-c", c, "--nproc", "2", "--json"});
        QVERIFY(launcher.waitForStarted());
        // Wait for a checkpoint, then kill rank 1 (the launcher's second child).
        QString checkpoint;
        for (int i = 0; i < 1200 && checkpoint.isEmpty(); ++i) {
            QTest::qWait(100);
            for (const QString& run : QDir(project_ + ".runs").entryList({"run-*"}, QDir::Dirs))
                if (QFileInfo::exists(project_ + ".runs/" + run + "/checkpoint/trainer_state.json") &&
                    QFile(project_ + ".runs/" + run + "/checkpoint/../reference_logps.safetensors")
                        .exists()) {
                    QFile f(project_ + ".runs/" + run + "/checkpoint/trainer_state.json");
                    f.open(QIODevice::ReadOnly);
                    if (QJsonDocument::fromJson(f.readAll()).object()["config"].toObject()["run_name"] ==
                        QLatin1String("long"))
                        checkpoint = run;
                }
        }
        QVERIFY(!checkpoint.isEmpty());
        QFile children(QString("/proc/%1/task/%1/children").arg(launcher.processId()));
        QVERIFY(children.open(QIODevice::ReadOnly));
        const QStringList pids = QString::fromLatin1(children.readAll()).split(' ', Qt::SkipEmptyParts);
        QCOMPARE(pids.size(), 2);
        ::kill(pids[1].toInt(), SIGKILL);
        QVERIFY(launcher.waitForFinished(60000));
        QVERIFY(launcher.exitCode() != 0);
        const QString err = QString::fromUtf8(launcher.readAllStandardError());
        QVERIFY2(err.contains("rank 1 of 2 exited with code 137"), qPrintable(err));
        QVERIFY2(err.contains("--resume"), qPrintable(err));
        const Run resumed = runGpo(
            {"train", "-p", project_, "-c", c, "--nproc", "2", "--resume", "--max-steps", "6", "--json"});
        QVERIFY2(resumed.code == 0, qPrintable(resumed.err));
        QCOMPARE(resumed.last()["steps"].toInt(), 6);
    }

    // --slurm: the run recorded as queued with its job id, the script beside it; status and cancel go
    // through squeue/sacct/scancel. Stand-ins for Slurm's commands answer as Slurm does and record their
    // arguments; then the script's own command, run here, takes the queued run up.
    void slurmSubmitsFollowsAndCancels() {
        const QString bin = dir_.filePath(QStringLiteral("slurm-bin"));
        QDir().mkpath(bin);
        const QString calls = dir_.filePath(QStringLiteral("slurm-calls.txt"));
        auto tool = [&](const QString& name, const QString& answer) {
            writeConfig(bin + "/" + name,
                        "#!/bin/sh\necho \"" + name + " $*\" >> '" + calls + "'\nprintf '" + answer + "'\n");
            QFile::setPermissions(bin + "/" + name, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        };
        tool("sbatch", "4242;cluster\\n");
        tool("squeue", "4242|PENDING|0:00|(Resources)\\n");
        tool("sacct", "");
        tool("scancel", "");
        const QStringList path{"PATH=" + bin + ":" + qEnvironmentVariable("PATH")};
        const QString config =
            writeConfig(dir_.filePath("slurm.json"), R"({"algorithm": "dpo", "run_name": "on-slurm",
            "pairs": {"from": "whole", "dataset": "demo-test"}, "max_steps": 2})");
        Run r = runGpo({"train", "-p", project_, "-c", config, "--slurm", "--nodes", "2", "--gpus-per-node",
                        "4", "--partition", "gpu", "--time", "04:00:00", "--json"},
                       path);
        QVERIFY2(r.code == 0, qPrintable(r.err + r.last()["error"].toString()));
        QCOMPARE(r.last()["slurm_job"].toString(), QString("4242"));
        const int run = r.last()["run_id"].toInt();
        QFile script(r.last()["script"].toString());
        QVERIFY(script.open(QIODevice::ReadOnly));
        const QString text = QString::fromUtf8(script.readAll());
        QVERIFY(text.contains("#SBATCH --nodes=2\n#SBATCH --ntasks-per-node=4\n#SBATCH --gpus-per-node=4\n"));
        QVERIFY(text.contains("#SBATCH --partition=gpu\n#SBATCH --time=04:00:00\n"));
        QVERIFY(text.contains("'train' '-p' '" + QFileInfo(project_).absoluteFilePath() + "'"));
        QVERIFY(text.contains("'--resume'\n"));
        r = runGpo({"runs", "-p", project_, "--slurm", QString::number(run), "--json"}, path);
        QVERIFY2(r.code == 0, qPrintable(r.err + r.last()["error"].toString()));
        QCOMPARE(r.last()["slurm"].toObject()["state"].toString(), QString("PENDING"));
        QCOMPARE(r.last()["run"].toObject()["state"].toString(), QString("queued"));
        QCOMPARE(r.last()["run"].toObject()["slurm_job"].toString(), QString("4242"));

        // The job starts: its command (here, one rank) takes the queued run up and finishes it.
        QStringList args;
        const QString srun = text.section("srun --kill-on-bad-exit=1 ", 1).trimmed();
        for (const QString& word : srun.split("' '"))
            args << QString(word).remove('\'');
        args.removeFirst(); // the gpo executable itself
        r = runGpo(args + QStringList{"--json"});
        QVERIFY2(r.code == 0, qPrintable(r.err + r.last()["error"].toString()));
        QCOMPARE(r.last()["run_id"].toInt(), run);
        r = runGpo({"runs", "-p", project_, "--json"});
        bool found = false;
        for (const auto& v : r.last()["runs"].toArray())
            if (v.toObject()["id"].toInt() == run) {
                found = true;
                QCOMPARE(v.toObject()["state"].toString(), QString("done"));
            }
        QVERIFY(found);
        r = runGpo({"runs", "-p", project_, "--cancel", QString::number(run), "--json"}, path);
        QVERIFY2(r.code == 0, qPrintable(r.err + r.last()["error"].toString()));
        QFile log(calls);
        QVERIFY(log.open(QIODevice::ReadOnly));
        const QString called = QString::fromUtf8(log.readAll());
        QVERIFY2(called.contains("sbatch --parsable " + QFileInfo(script).absoluteFilePath()),
                 qPrintable(called));
        QVERIFY(called.contains("squeue -h -j 4242 -o %i|%T|%M|%R"));
        QVERIFY(called.contains("scancel 4242"));
    }

    // torchrun's variables first, Slurm's when they are absent; a bad value is named.
    void badEnvironmentIsNamed() {
        const QString config =
            writeConfig(dir_.filePath("env.json"), R"({"algorithm": "dpo", "max_steps": 1})");
        Run r = runGpo({"train", "-p", project_, "-c", config, "--json"}, {"WORLD_SIZE=2", "RANK=5"});
        QVERIFY(r.code != 0);
        QVERIFY2(r.last()["error"].toString().contains("RANK='5'"), qPrintable(r.last()["error"].toString()));
        r = runGpo({"train", "-p", project_, "-c", config, "--json"}, {"SLURM_NTASKS=2", "SLURM_PROCID=x"});
        QVERIFY2(r.last()["error"].toString().contains("SLURM_PROCID='x'"),
                 qPrintable(r.last()["error"].toString()));
    }
};

QTEST_GUILESS_MAIN(TestDistributed)
#include "test_distributed.moc"
