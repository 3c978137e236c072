#pragma once
// Under the trajectory view: the GPO pairs made from the trajectory shown (the step it was reset at, the
// selector, the people's picks) and, under each, the runs that trained on it. A click on a run opens it
// in the Runs tab; a click on a pair shows the trajectory at its critical step. Hidden when the
// trajectory made no pair.
#include "store/run_lineage.h"

#include <QWidget>

class QTreeWidget;
class QLabel;

namespace gpo::ui {

class TrajectoryLineage : public QWidget {
    Q_OBJECT
public:
    explicit TrajectoryLineage(QWidget* parent = nullptr);
    /// Shows what was made of a trajectory; returns how many pairs.
    int showTrajectory(Project& project, int64_t trajectoryId);
    QTreeWidget* tree() const { return tree_; }

signals:
    void runActivated(int64_t runId);
    void stepActivated(int step);

private:
    QLabel* title_;
    QTreeWidget* tree_;
};

} // namespace gpo::ui
