#pragma once
// Runs a `gpo` command as a child process and reads its stdout as a typed stream: one JSON object a
// line (progress events), the last one the result. Long work (sampling a policy, analysis, training)
// runs this way, so a crash or an out-of-memory ends the job, never the studio; the studio itself
// never links LibTorch.
#include <QJsonObject>
#include <QObject>
#include <QProcess>
#include <QStringList>
#include <QTimer>

namespace gpo::ui {

class GpoProcess : public QObject {
    Q_OBJECT
public:
    explicit GpoProcess(QObject* parent = nullptr);
    ~GpoProcess() override;

    /// The `gpo` beside the studio's executable, else the one on PATH; empty when there is none.
    static QString executable();

    /// Starts `gpo ARGS --json`. Emits finished() with an error when gpo cannot be found or started.
    void start(const QStringList& args);
    /// Asks the command to stop (SIGTERM: it ends its current batch and records the run as cancelled);
    /// a command still running after the grace period is killed. The kill belongs to this command only:
    /// a command started after it ends is never reached by it.
    void cancel();
    /// How long a stopped command may take to end its batch before it is killed (default 15 s).
    void setStopGrace(int milliseconds) { killTimer_.setInterval(milliseconds); }
    bool isRunning() const { return process_.state() != QProcess::NotRunning; }
    /// Whether cancel() was called on the current (or last) command.
    bool stopRequested() const { return stopRequested_; }

signals:
    /// One progress line.
    void event(const QJsonObject& event);
    /// The command ended: `ok` with its result object, else what went wrong (its error or its stderr).
    void finished(bool ok, const QJsonObject& result, const QString& error);

private:
    void readLines();
    void onFinished(int exitCode, QProcess::ExitStatus status);

    QProcess process_;
    QByteArray pending_;
    QJsonObject last_;
    QByteArray stderr_;
    bool stopRequested_ = false;
    QTimer killTimer_;
};

} // namespace gpo::ui
