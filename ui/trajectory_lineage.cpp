#include "trajectory_lineage.h"

#include <QHeaderView>
#include <QLabel>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace gpo::ui {
namespace {
constexpr int kRunRole = Qt::UserRole + 1;
constexpr int kStepRole = Qt::UserRole + 2;
} // namespace

TrajectoryLineage::TrajectoryLineage(QWidget* parent) : QWidget(parent) {
    title_ = new QLabel(this);
    tree_ = new QTreeWidget(this);
    tree_->setColumnCount(3);
    tree_->setHeaderLabels({tr("Pair / run"), tr("Critical step"), tr("People's pick")});
    tree_->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    tree_->setRootIsDecorated(true);
    tree_->setToolTip(
        tr("Click a pair to see its critical step; double-click a run to open it in the Runs tab"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 2, 4, 2);
    layout->addWidget(title_);
    layout->addWidget(tree_, 1);
    connect(tree_, &QTreeWidget::itemClicked, this, [this](QTreeWidgetItem* item) {
        const QVariant step = item->data(0, kStepRole);
        if (step.isValid()) emit stepActivated(step.toInt());
    });
    connect(tree_, &QTreeWidget::itemDoubleClicked, this, [this](QTreeWidgetItem* item) {
        const QVariant run = item->data(0, kRunRole);
        if (run.isValid()) emit runActivated(run.toLongLong());
    });
}

int TrajectoryLineage::showTrajectory(Project& project, int64_t trajectoryId) {
    tree_->clear();
    const auto pairs = pairsFromTrajectory(project, trajectoryId);
    int runs = 0;
    for (const TracedPair& p : pairs) {
        QStringList picks;
        for (int s : p.humanSteps)
            picks << QString::number(s + 1);
        auto* item = new QTreeWidgetItem(
            tree_,
            {tr("pair %1 in %2 (%3)")
                 .arg(p.pairId)
                 .arg(QString::fromStdString(p.setName), QString::fromStdString(p.selector)),
             p.stepIdx ? QString::number(*p.stepIdx + 1) : QString(), picks.join(QStringLiteral(", "))});
        if (p.stepIdx) item->setData(0, kStepRole, *p.stepIdx);
        item->setToolTip(0, tr("chosen: %1\nrejected: %2")
                                .arg(QString::fromStdString(p.chosen).left(300),
                                     QString::fromStdString(p.rejected).left(300)));
        for (const TrainedRun& r : runsTrainedOn(project, p.setName)) {
            auto* child = new QTreeWidgetItem(
                item, {tr("run %1 %2 (%3, %4)")
                           .arg(r.id)
                           .arg(QString::fromStdString(r.name), QString::fromStdString(r.algorithm),
                                QString::fromStdString(r.status))});
            child->setData(0, kRunRole, QVariant::fromValue(r.id));
            child->setForeground(0, QColor(37, 99, 235));
            ++runs;
        }
        item->setExpanded(true);
    }
    title_->setText(tr("<b>Trained on:</b> %1 made from this trajectory; %2 trained on them")
                        .arg(tr("%n pair(s)", nullptr, static_cast<int>(pairs.size())))
                        .arg(tr("%n run(s)", nullptr, runs)));
    setVisible(!pairs.empty());
    return static_cast<int>(pairs.size());
}

} // namespace gpo::ui
