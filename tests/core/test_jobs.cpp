// Jobs beyond one process: the machine's core sharing between jobs.
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

QTEST_GUILESS_MAIN(TestJobs)
#include "test_jobs.moc"
