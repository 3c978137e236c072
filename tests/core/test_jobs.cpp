// Jobs beyond one process: the machine's core sharing between jobs, child processes, and Slurm's
// batch scripts and answers (Slurm is not installed here: its answers are recorded ones).
#include "jobs/slurm.h"
#include "util/child_process.h"
#include "util/job_slots.h"

#include <QTemporaryDir>
#include <QtTest>
#include <fcntl.h>
#include <filesystem>
#include <memory>
#include <unistd.h>

using namespace gpo;
namespace fs = std::filesystem;

class TestJobs : public QObject {
    Q_OBJECT
private slots:
    void coresSplitEvenlyWithTheRemainderToTheOldest();
    void jobsShareTheCoresWhileTheyRun();
    void anEndedJobHoldsNoShare();
    void programsRunWithoutAShell();
    void sbatchScriptForTwoNodes();
    void noValueInjectsACommand();
    void slurmAnswersAreRead();
};

void TestJobs::coresSplitEvenlyWithTheRemainderToTheOldest() {
    QCOMPARE(util::coreShare(2, 1, 0), 2);
    QCOMPARE(util::coreShare(2, 2, 0), 1);
    QCOMPARE(util::coreShare(2, 2, 1), 1);
    QCOMPARE(util::coreShare(4, 3, 0), 2);
    QCOMPARE(util::coreShare(4, 3, 1), 1);
    QCOMPARE(util::coreShare(4, 3, 2), 1);
    QCOMPARE(util::coreShare(2, 5, 4), 1); // more jobs than cores: one thread each, never none
}

void TestJobs::jobsShareTheCoresWhileTheyRun() {
    QTemporaryDir dir;
    const std::string folder = dir.filePath("jobs").toStdString();
    auto first = std::make_unique<util::JobSlots>(folder);
    QVERIFY(first->registered());
    QCOMPARE(first->share(16).jobs, 1);
    QCOMPARE(first->share(16).threads, 16);
    {
        util::JobSlots second(folder), third(folder);
        QCOMPARE(first->share(16).jobs, 3);
        QCOMPARE(first->share(16).threads, 6); // 16 = 6 + 5 + 5: the oldest takes the remainder
        QCOMPARE(second.share(16).threads, 5);
        QCOMPARE(third.share(16).threads, 5);
    }
    QCOMPARE(first->share(16).jobs, 1);
    QCOMPARE(first->share(16).threads, 16);
    first.reset();
    QVERIFY(fs::is_empty(folder)); // a job that ends removes its file
}

void TestJobs::anEndedJobHoldsNoShare() {
    QTemporaryDir dir;
    const std::string folder = dir.filePath("jobs").toStdString();
    util::JobSlots mine(folder);
    // What a killed job leaves: its file, with no process holding its lock.
    const std::string left = folder + "/00000000000000000001-99999-0x1";
    const int fd = ::open(left.c_str(), O_CREAT | O_WRONLY, 0644);
    QVERIFY(fd >= 0);
    ::close(fd);
    QCOMPARE(mine.share(2).jobs, 1);
    QCOMPARE(mine.share(2).threads, 2);
    QVERIFY(!fs::exists(left)); // cleared away by the first job that looked
    // A folder that cannot be made leaves the job unregistered, taking every core as before.
    util::JobSlots nowhere("/proc/no-such-folder/jobs");
    QVERIFY(!nowhere.registered());
    QCOMPARE(nowhere.share(2).threads, 2);
}

void TestJobs::programsRunWithoutAShell() {
    // An argument is one argument, whatever it holds.
    const auto r = util::runProgram({"printf", "%s|", "a b", "$(touch /tmp/gpo-injected)", "; echo x"});
    QCOMPARE(r.status, 0);
    QCOMPARE(QString::fromStdString(r.out), QString("a b|$(touch /tmp/gpo-injected)|; echo x|"));
    QVERIFY(!fs::exists("/tmp/gpo-injected"));
    QCOMPARE(util::runProgram({"cat"}, "fed through stdin").out, std::string("fed through stdin"));
    QCOMPARE(util::runProgram({"sh", "-c", "exit 3"}).status, 3);
    QCOMPARE(util::runProgram({"no-such-program-gpo"}).status, 127);
}

void TestJobs::sbatchScriptForTwoNodes() {
    jobs::SlurmResources r;
    r.nodes = 2;
    r.gpusPerNode = 4;
    r.cpusPerTask = 8;
    r.partition = "gpu";
    r.time = "04:00:00";
    r.account = "lab-42";
    r.jobName = "gpo-dpo";
    const std::string script = jobs::sbatchScript(
        r,
        {"/usr/bin/gpo", "train", "-p", "/data/x.gpo", "-c", "/data/x.gpo.runs/run-3/run.json", "--resume"},
        "/data/x.gpo.runs/run-3/slurm-%j.out");
    const std::string expected = R"SH(#!/bin/bash
# Written by gpo: one task per rank; each reads SLURM_PROCID and SLURM_NTASKS.
#SBATCH --job-name=gpo-dpo
#SBATCH --nodes=2
#SBATCH --ntasks-per-node=4
#SBATCH --gpus-per-node=4
#SBATCH --cpus-per-task=8
#SBATCH --partition=gpu
#SBATCH --time=04:00:00
#SBATCH --account=lab-42
#SBATCH --output=/data/x.gpo.runs/run-3/slurm-%j.out
set -euo pipefail
# Rank 0's node serves the rendezvous store; the port follows the job id, so two jobs sharing
# a node do not collide.
export MASTER_ADDR="$(scontrol show hostnames "$SLURM_JOB_NODELIST" | head -n 1)"
export MASTER_PORT=$((20000 + SLURM_JOB_ID % 20000))
srun --kill-on-bad-exit=1 '/usr/bin/gpo' 'train' '-p' '/data/x.gpo' '-c' '/data/x.gpo.runs/run-3/run.json' '--resume'
)SH";
    QCOMPARE(QString::fromStdString(script), QString::fromStdString(expected));
    jobs::SlurmResources cpu;
    const std::string one = jobs::sbatchScript(cpu, {"gpo"}, "out-%j");
    QVERIFY(one.find("--ntasks-per-node=1\n") != std::string::npos);
    QVERIFY(one.find("gpus-per-node") == std::string::npos);
    // An array job (gpo analyze's shards): "{task}" becomes each task's index when the shell runs it.
    jobs::SlurmResources array;
    array.arrayTasks = 4;
    const std::string shards = jobs::sbatchScript(
        array, {"printf", "%s|", "--shard", "{task}/4", "--out", "/d/it's/shard-{task}.db"}, "o");
    QVERIFY(shards.find("#SBATCH --array=0-3\n") != std::string::npos);
    const std::string line = shards.substr(shards.rfind("'printf'"));
    const auto ran = util::runProgram({"sh", "-c", "SLURM_ARRAY_TASK_ID=2; " + line});
    QCOMPARE(QString::fromStdString(ran.out), QString("--shard|2/4|--out|/d/it's/shard-2.db|"));
}

void TestJobs::noValueInjectsACommand() {
    jobs::SlurmResources r;
    r.partition = "gpu\nrm -rf ~";
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, jobs::sbatchScript(r, {"gpo"}, "out"));
    r.partition = "gpu";
    r.account = "a b";
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, jobs::sbatchScript(r, {"gpo"}, "out"));
    r.account = {};
    // A path with quotes, spaces and $(...) stays one word: run through a real shell, it comes out whole.
    const std::string nasty = "/tmp/it's $(touch /tmp/gpo-injected) `id`;x";
    const std::string word = jobs::shellQuote(nasty);
    const auto r2 = util::runProgram({"sh", "-c", "printf %s " + word});
    QCOMPARE(r2.out, nasty);
    QVERIFY(!fs::exists("/tmp/gpo-injected"));
}

void TestJobs::slurmAnswersAreRead() {
    QCOMPARE(jobs::parseSbatchOutput("4242\n"), std::string("4242"));
    QCOMPARE(jobs::parseSbatchOutput("4242;cluster-a\n"), std::string("4242"));
    QVERIFY_THROWS_EXCEPTION(std::runtime_error,
                             jobs::parseSbatchOutput("sbatch: error: Batch job submission failed"));
    // squeue -h -j ID -o '%i|%T|%M|%R'
    auto s = jobs::parseSqueueOutput("4242|PENDING|0:00|(Resources)\n", "4242");
    QVERIFY(s);
    QCOMPARE(s->state, std::string("PENDING"));
    QCOMPARE(s->detail, std::string("(Resources)"));
    QVERIFY(!s->finished);
    s = jobs::parseSqueueOutput("4242|RUNNING|1:02:03|gpu-node[01-02]\n", "4242");
    QCOMPARE(s->elapsed, std::string("1:02:03"));
    QCOMPARE(s->detail, std::string("gpu-node[01-02]"));
    QVERIFY(!jobs::parseSqueueOutput("", "4242"));
    // sacct -n -P -j ID --format=JobID,State,ExitCode,Elapsed: the job's line, not its steps'.
    s = jobs::parseSacctOutput("4242|COMPLETED|0:0|00:12:31\n4242.batch|COMPLETED|0:0|00:12:31\n"
                               "4242.extern|COMPLETED|0:0|00:12:31\n4242.0|COMPLETED|0:0|00:12:30\n",
                               "4242");
    QCOMPARE(s->state, std::string("COMPLETED"));
    QVERIFY(s->finished);
    s = jobs::parseSacctOutput("4243.batch|CANCELLED|0:15|00:00:07\n4243|CANCELLED by 1000|0:15|00:00:07\n",
                               "4243");
    QCOMPARE(s->state, std::string("CANCELLED"));
    QCOMPARE(s->detail, std::string("exit code 0:15"));
    s = jobs::parseSacctOutput("4244|TIMEOUT|0:0|04:00:13\n", "4244");
    QCOMPARE(s->state, std::string("TIMEOUT"));
    QVERIFY(s->finished);
}

QTEST_GUILESS_MAIN(TestJobs)
#include "test_jobs.moc"
