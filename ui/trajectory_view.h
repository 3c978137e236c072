#pragma once
// Shows one trajectory: the question, every step numbered (with human ratings and the labelled first
// error where the data has them), the reference and final answers, and whether it is right. With an
// analysis, each step is tinted by its advantage, shows the value before it with its interval, the
// selectors' picks, and a link to the rollouts behind it.
#include "store/analysis.h"
#include "store/queries.h"

#include <QColor>
#include <QTextBrowser>
#include <optional>

namespace gpo::ui {

class TrajectoryView : public QTextBrowser {
    Q_OBJECT
public:
    explicit TrajectoryView(QWidget* parent = nullptr);
    void showTrajectory(const TrajectoryDetail& detail,
                        const std::optional<TrajectoryAnalysis>& analysis = {});
    void showMessage(const QString& message);
    /// The trajectory shown, if any.
    std::optional<int64_t> trajectoryId() const { return id_; }
    /// How many steps the shown trajectory has (for tests).
    int stepCount() const { return steps_; }
    /// The analysis run shown with it, if any.
    std::optional<int64_t> analysisRun() const { return run_; }

signals:
    /// The user asked for the rollouts behind prefix `prefix` (the value before step prefix + 1).
    void rolloutsRequested(int64_t trajectoryId, int64_t runId, int prefix);

private:
    std::optional<int64_t> id_, run_;
    int steps_ = 0;
};

/// The HTML the view shows (exposed for tests).
QString trajectoryHtml(const TrajectoryDetail& d, const std::optional<TrajectoryAnalysis>& analysis = {});
/// The tint of a step with advantage `a` (-1 … 1): red for a loss, blue for a gain, white for none.
QColor advantageColor(double a);

} // namespace gpo::ui
