#include "gpo_process.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QJsonDocument>
#include <QStandardPaths>
#include <QTimer>

namespace gpo::ui {

GpoProcess::GpoProcess(QObject* parent) : QObject(parent) {
    killTimer_.setSingleShot(true);
    killTimer_.setInterval(15000);
    connect(&killTimer_, &QTimer::timeout, this, [this] {
        if (isRunning()) process_.kill(); // it did not stop at its next batch boundary
    });
    connect(&process_, &QProcess::readyReadStandardOutput, this, &GpoProcess::readLines);
    connect(&process_, &QProcess::readyReadStandardError, this,
            [this] { stderr_ += process_.readAllStandardError(); });
    connect(&process_, &QProcess::finished, this, &GpoProcess::onFinished);
    connect(&process_, &QProcess::errorOccurred, this, [this](QProcess::ProcessError e) {
        if (e == QProcess::FailedToStart)
            emit finished(false, {},
                          tr("cannot start %1: %2").arg(process_.program(), process_.errorString()));
    });
}

GpoProcess::~GpoProcess() {
    // Whoever listened may be half destroyed already: stop the child without telling anyone.
    blockSignals(true);
    process_.disconnect(this);
    if (isRunning()) {
        process_.terminate();
        if (!process_.waitForFinished(5000)) process_.kill();
        process_.waitForFinished(1000);
    }
}

QString GpoProcess::executable() {
    const QString beside = QCoreApplication::applicationDirPath() + QStringLiteral("/gpo");
    if (QFileInfo(beside).isExecutable()) return beside;
    return QStandardPaths::findExecutable(QStringLiteral("gpo"));
}

void GpoProcess::start(const QStringList& args) {
    pending_.clear();
    stderr_.clear();
    last_ = {};
    stopRequested_ = false;
    killTimer_.stop();
    const QString gpo = executable();
    if (gpo.isEmpty()) {
        QTimer::singleShot(0, this, [this] {
            emit finished(false, {}, tr("the gpo command is not installed beside the studio or on PATH"));
        });
        return;
    }
    process_.start(gpo, args + QStringList{QStringLiteral("--json")});
}

void GpoProcess::cancel() {
    if (!isRunning()) return;
    stopRequested_ = true;
    process_.terminate();
    killTimer_.start();
}

void GpoProcess::readLines() {
    pending_ += process_.readAllStandardOutput();
    for (qsizetype nl; (nl = pending_.indexOf('\n')) >= 0;) {
        const QByteArray line = pending_.left(nl).trimmed();
        pending_.remove(0, nl + 1);
        const QJsonDocument doc = QJsonDocument::fromJson(line);
        if (!doc.isObject()) continue; // not part of the stream (gpo writes its prose to stderr)
        last_ = doc.object();
        emit event(last_);
    }
}

void GpoProcess::onFinished(int exitCode, QProcess::ExitStatus status) {
    killTimer_.stop(); // the command it was meant for has ended
    readLines();
    if (status == QProcess::NormalExit && exitCode == 0) {
        emit finished(true, last_, {});
        return;
    }
    QString error = last_.value(QStringLiteral("error")).toString();
    if (error.isEmpty()) {
        const QList<QByteArray> lines = stderr_.trimmed().split('\n');
        error =
            status == QProcess::CrashExit ? tr("gpo stopped unexpectedly") : QString::fromUtf8(lines.last());
    }
    emit finished(false, last_, error);
}

} // namespace gpo::ui
