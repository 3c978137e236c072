#include "detached_job.h"

#include "gpo_process.h"
#include "store/runs.h"

#include <QJsonDocument>
#include <QProcess>
#include <csignal>

namespace gpo::ui {

DetachedJob::DetachedJob(const QStringList& args, const QString& logBase, QObject* parent)
    : QObject(parent), logBase_(logBase) {
    const QString gpo = GpoProcess::executable();
    if (gpo.isEmpty()) {
        error_ = tr("the gpo command is not installed beside the studio or on PATH");
        return;
    }
    QProcess process;
    process.setProgram(gpo);
    process.setArguments(args + QStringList{QStringLiteral("--json")});
    process.setStandardOutputFile(logBase_ + QStringLiteral(".jsonl"), QIODevice::Truncate);
    process.setStandardErrorFile(logPath(), QIODevice::Truncate);
    if (!process.startDetached(&pid_)) {
        error_ = tr("cannot start %1: %2").arg(gpo, process.errorString());
        pid_ = 0;
        return;
    }
    timer_.setInterval(500);
    connect(&timer_, &QTimer::timeout, this, &DetachedJob::follow);
    timer_.start();
}

void DetachedJob::stop() {
    if (isRunning()) ::kill(static_cast<pid_t>(pid_), SIGTERM);
}

void DetachedJob::follow() {
    // Whether it has ended is asked before reading, so that its last lines are read after it ended.
    const bool alive = isProcessAlive(pid_);
    QFile out(logBase_ + QStringLiteral(".jsonl"));
    if (out.open(QIODevice::ReadOnly) && out.size() > offset_) {
        out.seek(offset_);
        pending_ += out.readAll();
        offset_ = out.pos();
        for (qsizetype nl; (nl = pending_.indexOf('\n')) >= 0;) {
            const QByteArray line = pending_.left(nl).trimmed();
            pending_.remove(0, nl + 1);
            const QJsonDocument doc = QJsonDocument::fromJson(line);
            if (!doc.isObject()) continue;
            last_ = doc.object();
            emit event(last_);
        }
    }
    if (alive) return;
    done_ = true;
    timer_.stop();
    if (last_.value(QStringLiteral("ok")).toBool()) {
        emit finished(true, last_, {});
        return;
    }
    QString error = last_.value(QStringLiteral("error")).toString();
    if (error.isEmpty()) {
        QFile log(logPath());
        const QList<QByteArray> lines =
            log.open(QIODevice::ReadOnly) ? log.readAll().trimmed().split('\n') : QList<QByteArray>{};
        error = lines.isEmpty() || lines.last().isEmpty()
                    ? tr("gpo stopped unexpectedly (see %1)").arg(logPath())
                    : QString::fromUtf8(lines.last());
    }
    emit finished(false, last_, error);
}

} // namespace gpo::ui
