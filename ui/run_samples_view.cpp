#include "run_samples_view.h"

#include "record_table.h"

#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QSlider>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

namespace gpo::ui {

RunSamplesView::RunSamplesView(QWidget* parent) : QWidget(parent) {
    slider_ = new QSlider(Qt::Horizontal, this);
    slider_->setToolTip(tr("The logged steps of the run"));
    stepLabel_ = new QLabel(this);
    stepLabel_->setMinimumWidth(160);
    table_ = makeRecordTable(
        {tr("Problem"), tr("#"), tr("Reward"), tr("Ended"), tr("GPO reset"), tr("Completion")}, this);
    text_ = new QPlainTextEdit(this);
    text_->setReadOnly(true);
    text_->setPlaceholderText(tr("Select a sample to read its whole completion"));
    empty_ = new QLabel(tr("This run logged no samples (offline runs train on pairs: see Pairs)."), this);
    empty_->setAlignment(Qt::AlignCenter);

    auto* bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Step"), this));
    bar->addWidget(slider_, 1);
    bar->addWidget(stepLabel_);
    auto* split = new QSplitter(Qt::Vertical, this);
    split->addWidget(table_);
    split->addWidget(text_);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(bar);
    layout->addWidget(split, 1);
    layout->addWidget(empty_, 1);
    connect(slider_, &QSlider::valueChanged, this, [this](int i) {
        if (i >= 0 && static_cast<size_t>(i) < steps_.size()) showStep(steps_[static_cast<size_t>(i)]);
    });
    connect(table_, &QTableWidget::currentCellChanged, this, [this](int row) { showRow(row); });
    setRunFolder({});
}

void RunSamplesView::setRunFolder(const QString& folder) {
    index_.reset();
    steps_.clear();
    samples_.clear();
    shown_ = -1;
    table_->setRowCount(0);
    text_->clear();
    if (!folder.isEmpty()) index_ = std::make_unique<RunSamplesIndex>(runSamplesPath(folder.toStdString()));
    refresh();
}

void RunSamplesView::refresh() {
    if (index_) index_->refresh();
    const bool wasNewest = steps_.empty() || shown_ == steps_.back();
    steps_ = index_ ? index_->steps() : std::vector<int64_t>{};
    const bool any = !steps_.empty();
    empty_->setVisible(!any);
    for (QWidget* w : {static_cast<QWidget*>(slider_), static_cast<QWidget*>(stepLabel_),
                       static_cast<QWidget*>(table_), static_cast<QWidget*>(text_)})
        w->setVisible(any);
    table_->parentWidget()->setVisible(any);
    if (!any) return;
    slider_->blockSignals(true);
    slider_->setRange(0, static_cast<int>(steps_.size()) - 1);
    slider_->blockSignals(false);
    if (wasNewest || shown_ < 0) showStep(steps_.back());
}

bool RunSamplesView::showStep(int64_t step) {
    if (!index_) return false;
    const auto it = std::find(steps_.begin(), steps_.end(), step);
    if (it == steps_.end()) return false;
    try {
        samples_ = index_->samplesAt(step);
    } catch (const std::exception& e) {
        samples_.clear();
        text_->setPlainText(QString::fromStdString(e.what()));
    }
    shown_ = step;
    slider_->blockSignals(true);
    slider_->setValue(static_cast<int>(it - steps_.begin()));
    slider_->blockSignals(false);
    double sum = 0;
    int resets = 0;
    for (const RunSample& s : samples_) {
        sum += s.reward;
        resets += s.isReset;
    }
    stepLabel_->setText(
        tr("%1 of %2 · %3 samples · mean reward %4%5")
            .arg(step)
            .arg(steps_.back())
            .arg(samples_.size())
            .arg(samples_.empty() ? 0.0 : sum / static_cast<double>(samples_.size()), 0, 'f', 2)
            .arg(resets ? tr(" · %1 resets").arg(resets) : QString()));
    table_->setRowCount(static_cast<int>(samples_.size()));
    for (int row = 0; row < static_cast<int>(samples_.size()); ++row) {
        const RunSample& s = samples_[static_cast<size_t>(row)];
        QString first = QString::fromStdString(s.completion).simplified();
        const QStringList cells = {QString::number(s.problemId),
                                   QString::number(s.index),
                                   QString::number(s.reward, 'g', 4),
                                   QString::fromStdString(s.finish),
                                   s.isReset ? tr("from step %1 of %2 (sample %3)")
                                                   .arg(s.criticalStep)
                                                   .arg(s.completionSteps)
                                                   .arg(s.resetOf)
                                             : QString(),
                                   first.left(200)};
        for (int c = 0; c < cells.size(); ++c) {
            auto* item = new QTableWidgetItem(cells[c]);
            if (c == 2) item->setForeground(s.reward > 0 ? QColor(21, 128, 61) : QColor(185, 28, 28));
            table_->setItem(row, c, item);
        }
    }
    table_->resizeColumnsToContents();
    table_->horizontalHeader()->setStretchLastSection(true);
    if (!samples_.empty()) {
        table_->setCurrentCell(0, 0);
        showRow(0); // the same row of another step: currentCellChanged does not fire
    } else {
        text_->clear();
    }
    return true;
}

void RunSamplesView::showRow(int row) {
    if (row < 0 || static_cast<size_t>(row) >= samples_.size()) return;
    const RunSample& s = samples_[static_cast<size_t>(row)];
    QString head = tr("Step %1, problem %2, sample %3: reward %4, ended by %5")
                       .arg(shown_)
                       .arg(s.problemId)
                       .arg(s.index)
                       .arg(s.reward)
                       .arg(QString::fromStdString(s.finish));
    if (s.isReset)
        head += tr("; a GPO reset of sample %1 at its critical step %2 of %3")
                    .arg(s.resetOf)
                    .arg(s.criticalStep)
                    .arg(s.completionSteps);
    text_->setPlainText(head + QStringLiteral("\n\n") + QString::fromStdString(s.completion));
}

} // namespace gpo::ui
