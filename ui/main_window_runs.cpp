// The main window's training side: the Runs tab (runs_panel), the Training menu, and the panel under the
// trajectory view that shows the pairs made from the trajectory and the runs that trained on them.
#include "main_window.h"
#include "runs_panel.h"
#include "trajectory_lineage.h"
#include "trajectory_table_model.h"
#include "trajectory_view.h"

#include <QComboBox>
#include <QLineEdit>
#include <QMenuBar>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>

namespace gpo::ui {

void MainWindow::buildRunsTab() {
    runs_ = new RunsPanel(this);
    tabs_->addTab(runs_, tr("Runs"));
    connect(runs_, &RunsPanel::trajectoryActivated, this, &MainWindow::showTrajectoryAnywhere);
    connect(runs_, &RunsPanel::message, this,
            [this](const QString& text) { statusBar()->showMessage(text, 15000); });
    // A finished run may have registered policies and pair sets the other views list.
    connect(runs_, &RunsPanel::runEnded, this, [this] {
        if (const int64_t id = model_->idAt(table_->currentIndex().row()); id >= 0 && project_)
            lineage_->showTrajectory(*project_, id);
    });
    connect(lineage_, &TrajectoryLineage::runActivated, this, [this](int64_t runId) {
        tabs_->setCurrentWidget(runs_);
        runs_->selectRun(runId);
    });
    connect(lineage_, &TrajectoryLineage::stepActivated, this,
            [this](int step) { view_->scrollToAnchor(QStringLiteral("step-%1").arg(step)); });
}

void MainWindow::buildTrainingMenu() {
    auto* training = menuBar()->addMenu(tr("&Training"));
    training->addAction(tr("&New Run…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_N), this, [this] {
        tabs_->setCurrentWidget(runs_);
        runs_->newRun();
    });
    training->addAction(tr("&Runs"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R), this,
                        [this] { tabs_->setCurrentWidget(runs_); });
    training->addAction(tr("Run &Experiment…"), this, [this] {
        tabs_->setCurrentWidget(runs_);
        runs_->newExperiment();
    });
    training->addAction(tr("&Compare Policies…"), this, [this] {
        tabs_->setCurrentWidget(runs_);
        runs_->comparePolicies();
    });
}

void MainWindow::showTrajectoryAnywhere(int64_t trajectoryId, int step) {
    // The list may be filtered to other trajectories: show them all first.
    if (model_->rowOf(trajectoryId) < 0) {
        datasetFilter_->setCurrentIndex(0);
        verdictFilter_->setCurrentIndex(0);
        textFilter_->clear();
        reloadTrajectories();
        connect(
            this, &MainWindow::trajectoriesLoaded, this,
            [this, trajectoryId, step] { openTrajectoryAt(trajectoryId, step); }, Qt::SingleShotConnection);
        return;
    }
    openTrajectoryAt(trajectoryId, step);
}

} // namespace gpo::ui
