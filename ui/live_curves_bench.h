#pragma once
// `gpo-studio --bench-live-curves`: how the Runs tab holds up while a run writes many points. A thread
// writes a training run's metrics into a fresh project at a given rate (as gpo train does: one
// transaction a step), while the Runs tab, shown, follows the run with its grid of live charts. A timer
// on the UI thread ticks every few milliseconds; the longest gap between ticks is the UI thread's longest
// stall (reading, smoothing, drawing). Reports the stalls, what was written and what was drawn.
#include <QJsonObject>

namespace gpo::ui {

struct LiveCurvesBenchOptions {
    double seconds = 60;
    int pointsPerMinute = 5000;
    int metrics = 10;   ///< metrics a step (TRL's DPO logs about ten)
    QString screenshot; ///< where to save a picture of the tab at the end (empty: none)
};

QJsonObject benchLiveCurves(const LiveCurvesBenchOptions& options);

} // namespace gpo::ui
