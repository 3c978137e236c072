#include "run_pairs_view.h"

#include "record_table.h"

#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

namespace gpo::ui {
namespace {

QString stepsText(const std::vector<int>& steps) {
    QStringList out;
    for (int s : steps)
        out << QString::number(s + 1);
    return out.join(QStringLiteral(", "));
}

} // namespace

RunPairsView::RunPairsView(QWidget* parent) : QWidget(parent) {
    summary_ = new QLabel(this);
    summary_->setWordWrap(true);
    table_ = makeRecordTable({tr("Trajectory"), tr("Critical step"), tr("People's pick"),
                              tr("Labelled error"), tr("Selector"), tr("Prompt ends"), tr("Chosen")},
                             this);
    table_->setToolTip(tr("Double-click a pair to open its trajectory at the critical step"));
    text_ = new QPlainTextEdit(this);
    text_->setReadOnly(true);
    auto* split = new QSplitter(Qt::Vertical, this);
    split->addWidget(table_);
    split->addWidget(text_);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(summary_);
    layout->addWidget(split, 1);
    connect(table_, &QTableWidget::currentCellChanged, this, [this](int row) { showPair(row); });
    connect(table_, &QTableWidget::cellDoubleClicked, this, [this](int row) {
        if (row < 0 || static_cast<size_t>(row) >= pairs_.size()) return;
        const TracedPair& p = pairs_[static_cast<size_t>(row)];
        if (p.trajectoryId) emit trajectoryActivated(*p.trajectoryId, p.stepIdx.value_or(0));
    });
}

void RunPairsView::clear() {
    pairs_.clear();
    table_->setRowCount(0);
    text_->clear();
    summary_->clear();
}

void RunPairsView::showRun(Project& project, int64_t runId, int64_t limit) {
    clear();
    const std::string set = pairSetOfRun(project, runId);
    if (set.empty()) {
        summary_->setText(tr("This run trained on no pair set of the project (online runs sample their own: "
                             "see Samples)."));
        return;
    }
    pairs_ = pairsOfRun(project, runId, limit);
    int traced = 0, agreed = 0;
    for (const TracedPair& p : pairs_) {
        traced += p.trajectoryId.has_value();
        if (p.stepIdx &&
            std::find(p.humanSteps.begin(), p.humanSteps.end(), *p.stepIdx) != p.humanSteps.end())
            ++agreed;
    }
    summary_->setText(
        tr("Pair set <b>%1</b>: %2 pairs shown, %3 traced to a trajectory's critical step, %4 at a "
           "step people picked too. Double-click one to open its trajectory there.")
            .arg(QString::fromStdString(set).toHtmlEscaped())
            .arg(pairs_.size())
            .arg(traced)
            .arg(agreed));
    table_->setRowCount(static_cast<int>(pairs_.size()));
    for (int row = 0; row < static_cast<int>(pairs_.size()); ++row) {
        const TracedPair& p = pairs_[static_cast<size_t>(row)];
        const QStringList cells = {p.trajectoryId ? QString::number(*p.trajectoryId) : tr("–"),
                                   p.stepIdx ? QString::number(*p.stepIdx + 1) : tr("–"),
                                   stepsText(p.humanSteps),
                                   p.labelledError ? QString::number(*p.labelledError + 1) : QString(),
                                   QString::fromStdString(p.selector),
                                   QString::fromStdString(p.promptTail).left(120),
                                   QString::fromStdString(p.chosen).simplified().left(160)};
        for (int c = 0; c < cells.size(); ++c)
            table_->setItem(row, c, new QTableWidgetItem(cells[c]));
        if (p.stepIdx &&
            std::find(p.humanSteps.begin(), p.humanSteps.end(), *p.stepIdx) != p.humanSteps.end())
            table_->item(row, 2)->setForeground(QColor(21, 128, 61));
    }
    table_->resizeColumnsToContents();
    table_->horizontalHeader()->setStretchLastSection(true);
    if (!pairs_.empty()) table_->setCurrentCell(0, 0);
}

void RunPairsView::showPair(int row) {
    if (row < 0 || static_cast<size_t>(row) >= pairs_.size()) return;
    const TracedPair& p = pairs_[static_cast<size_t>(row)];
    QString text;
    if (p.trajectoryId)
        text += tr("Trajectory %1, reset at step %2 (%3)%4\n")
                    .arg(*p.trajectoryId)
                    .arg(p.stepIdx.value_or(0) + 1)
                    .arg(QString::fromStdString(p.selector))
                    .arg(p.humanSteps.empty() ? QString()
                                              : tr("; people picked step %1").arg(stepsText(p.humanSteps)));
    text += tr("… %1\n\nCHOSEN\n%2\n\nREJECTED\n%3")
                .arg(QString::fromStdString(p.promptTail), QString::fromStdString(p.chosen),
                     QString::fromStdString(p.rejected));
    text_->setPlainText(text);
}

} // namespace gpo::ui
