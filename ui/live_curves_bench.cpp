#include "live_curves_bench.h"

#include "run_curves.h"
#include "runs_panel.h"
#include "store/runs.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTimer>
#include <algorithm>
#include <atomic>
#include <cmath>
#include <thread>

namespace gpo::ui {

QJsonObject benchLiveCurves(const LiveCurvesBenchOptions& o) {
    QTemporaryDir dir;
    const std::string path = dir.filePath(QStringLiteral("bench.gpo")).toStdString();
    int64_t runId = 0;
    {
        Project p = Project::open(path, OpenMode::Create);
        runId = beginRun(p, "training", "bench", {{"algorithm", "dpo"}, {"max_steps", 1000000}});
    }
    RunsPanel panel;
    panel.resize(1280, 800);
    panel.setProjectPath(QString::fromStdString(path));
    panel.show();
    panel.selectRun(runId);

    // The writer: one transaction a step with `metrics` values, paced to the rate asked for.
    std::atomic<bool> stop{false};
    std::atomic<int64_t> written{0};
    const double stepsPerSecond = o.pointsPerMinute / 60.0 / o.metrics;
    std::thread writer([&] {
        Project p = Project::open(path);
        const auto start = std::chrono::steady_clock::now();
        for (int64_t step = 1; !stop; ++step) {
            const auto due =
                start + std::chrono::duration<double>(static_cast<double>(step) / stepsPerSecond);
            std::this_thread::sleep_until(due);
            sql::Transaction tx(p.db());
            for (int m = 0; m < o.metrics; ++m)
                recordMetric(p, runId, "metric/" + std::to_string(m), step,
                             std::sin(0.01 * static_cast<double>(step) + m) +
                                 0.1 * ((step * 7919 + m) % 13) / 13.0);
            tx.commit();
            written += o.metrics;
        }
    });

    // The UI thread's heartbeat: a gap well beyond its interval is time the thread was busy.
    constexpr int kTickMs = 5;
    QElapsedTimer clock;
    clock.start();
    qint64 last = 0, longest = 0;
    std::vector<qint64> gaps;
    QTimer tick;
    tick.setInterval(kTickMs);
    tick.setTimerType(Qt::PreciseTimer);
    QObject::connect(&tick, &QTimer::timeout, [&] {
        const qint64 now = clock.nsecsElapsed();
        if (last > 0) {
            gaps.push_back(now - last);
            longest = std::max(longest, now - last);
        }
        last = now;
    });
    tick.start();
    while (clock.elapsed() < static_cast<qint64>(o.seconds * 1000))
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
    stop = true;
    writer.join();
    tick.stop();
    // What the writer added last is read at the next poll.
    panel.curves()->poll();
    QCoreApplication::processEvents();
    if (!o.screenshot.isEmpty()) panel.grab().save(o.screenshot);

    std::sort(gaps.begin(), gaps.end());
    auto ms = [](qint64 ns) { return static_cast<double>(ns) / 1e6; };
    const double p99 =
        gaps.empty() ? 0 : ms(gaps[static_cast<size_t>(0.99 * static_cast<double>(gaps.size() - 1))]);
    QJsonObject out;
    out[QStringLiteral("seconds")] = o.seconds;
    out[QStringLiteral("points_per_minute_asked")] = o.pointsPerMinute;
    out[QStringLiteral("metrics")] = o.metrics;
    out[QStringLiteral("points_written")] = static_cast<qint64>(written.load());
    out[QStringLiteral("points_drawn")] = panel.curves()->pointsDrawn();
    out[QStringLiteral("charts")] = static_cast<int>(panel.curves()->metricNames().size());
    out[QStringLiteral("tick_ms")] = kTickMs;
    out[QStringLiteral("longest_stall_ms")] = ms(longest) - kTickMs;
    out[QStringLiteral("p99_tick_gap_ms")] = p99;
    out[QStringLiteral("ticks")] = static_cast<qint64>(gaps.size());
    return out;
}

} // namespace gpo::ui
