#pragma once
// Runs short work (loading, filtering, statistics) off the GUI thread. Starting a job of a tracker
// cancels the one before it: its result is dropped and its cancel flag set, so a slow filter can never
// overwrite a newer one. Long work (analysis, training) runs as child processes instead.
#include <QObject>
#include <QPointer>
#include <QThreadPool>
#include <atomic>
#include <functional>
#include <memory>

namespace gpo::ui {

class JobTracker : public QObject {
    Q_OBJECT
public:
    using CancelFlag = std::shared_ptr<std::atomic<bool>>;

    explicit JobTracker(QObject* parent = nullptr) : QObject(parent) {}
    ~JobTracker() override { cancel(); }

    /// Runs `work` on the global thread pool; `done` runs on this object's thread with its result, unless
    /// the job was cancelled or superseded. `failed` gets the error text of a throwing job.
    template <class T>
    void run(std::function<T(const CancelFlag&)> work, std::function<void(T)> done,
             std::function<void(QString)> failed = {}) {
        cancel();
        auto flag = std::make_shared<std::atomic<bool>>(false);
        current_ = flag;
        const quint64 generation = ++generation_;
        emit busyChanged(true);
        QPointer<JobTracker> self(this);
        QThreadPool::globalInstance()->start([self, flag, generation, work = std::move(work),
                                              done = std::move(done), failed = std::move(failed)]() mutable {
            std::shared_ptr<T> result;
            QString error;
            try {
                result = std::make_shared<T>(work(flag));
            } catch (const std::exception& e) {
                error = QString::fromStdString(e.what());
            }
            if (!self) return;
            QMetaObject::invokeMethod(
                self,
                [self, flag, generation, result, error, done, failed] {
                    if (!self || flag->load() || generation != self->generation_) return;
                    emit self->busyChanged(false);
                    if (result)
                        done(std::move(*result));
                    else if (failed)
                        failed(error);
                },
                Qt::QueuedConnection);
        });
    }

    /// Cancels the running job, if any.
    void cancel() {
        if (current_) current_->store(true);
        current_.reset();
    }

signals:
    void busyChanged(bool busy);

private:
    CancelFlag current_;
    quint64 generation_ = 0;
};

} // namespace gpo::ui
