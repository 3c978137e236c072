#pragma once
// Shows one trajectory: the question, every step numbered (with human ratings and the labelled first
// error where the data has them), the reference and final answers, and whether it is right.
#include "store/queries.h"

#include <QTextBrowser>
#include <optional>

namespace gpo::ui {

class TrajectoryView : public QTextBrowser {
    Q_OBJECT
public:
    explicit TrajectoryView(QWidget* parent = nullptr);
    void showTrajectory(const TrajectoryDetail& detail);
    void showMessage(const QString& message);
    /// The trajectory shown, if any.
    std::optional<int64_t> trajectoryId() const { return id_; }
    /// How many steps the shown trajectory has (for tests).
    int stepCount() const { return steps_; }

private:
    std::optional<int64_t> id_;
    int steps_ = 0;
};

/// The HTML the view shows (exposed for tests).
QString trajectoryHtml(const TrajectoryDetail& d);

} // namespace gpo::ui
