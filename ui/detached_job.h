#pragma once
// A `gpo` command that outlives the studio: training runs and experiments keep going when the studio is
// closed, and a studio opened later finds them in the project (the Runs tab reads everything it shows
// from there). Its JSON lines go to a file (<log>.jsonl) that this object follows, its messages to
// <log>.log; it ends when its process does, with the last JSON line as its result.
#include <QFile>
#include <QJsonObject>
#include <QObject>
#include <QTimer>

namespace gpo::ui {

class DetachedJob : public QObject {
    Q_OBJECT
public:
    /// Starts `gpo ARGS --json` detached, writing beside `logBase`. isRunning() is false when it could
    /// not start (error() says why).
    DetachedJob(const QStringList& args, const QString& logBase, QObject* parent = nullptr);
    bool isRunning() const { return pid_ > 0 && !done_; }
    qint64 pid() const { return pid_; }
    QString error() const { return error_; }
    QString logPath() const { return logBase_ + QStringLiteral(".log"); }
    /// Asks it to stop (SIGTERM: it saves a checkpoint and records the run as cancelled).
    void stop();

signals:
    void event(const QJsonObject& event);
    void finished(bool ok, const QJsonObject& result, const QString& error);

private:
    void follow();

    QString logBase_;
    QString error_;
    qint64 pid_ = 0;
    qint64 offset_ = 0;
    QByteArray pending_;
    QJsonObject last_;
    bool done_ = false;
    QTimer timer_;
};

} // namespace gpo::ui
