#include "rollouts_dialog.h"

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QTableWidget>
#include <QVBoxLayout>

namespace gpo::ui {

RolloutsDialog::RolloutsDialog(const std::vector<StoredRollout>& rollouts, int prefix, QWidget* parent)
    : QDialog(parent) {
    setWindowTitle(tr("Rollouts from prefix %1").arg(prefix));
    double sum = 0;
    for (const auto& r : rollouts)
        sum += r.reward;
    auto* summary =
        new QLabel(tr("%1 continuations sampled after %2 step(s); %3 reached the reference answer (V = %4).")
                       .arg(rollouts.size())
                       .arg(prefix)
                       .arg(sum)
                       .arg(rollouts.empty() ? 0.0 : sum / static_cast<double>(rollouts.size()), 0, 'f', 2),
                   this);
    table_ = new QTableWidget(static_cast<int>(rollouts.size()), 4, this);
    table_->setHorizontalHeaderLabels({tr("#"), tr("Reward"), tr("Answer"), tr("Continuation")});
    table_->verticalHeader()->hide();
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->setWordWrap(true);
    table_->horizontalHeader()->setStretchLastSection(true);
    for (int row = 0; row < static_cast<int>(rollouts.size()); ++row) {
        const auto& r = rollouts[static_cast<size_t>(row)];
        auto* reward = new QTableWidgetItem(r.reward > 0 ? tr("✔ 1") : tr("✘ 0"));
        reward->setForeground(r.reward > 0 ? QColor(21, 128, 61) : QColor(185, 28, 28));
        table_->setItem(row, 0, new QTableWidgetItem(QString::number(r.sampleIdx)));
        table_->setItem(row, 1, reward);
        table_->setItem(row, 2,
                        new QTableWidgetItem(r.answer ? QString::fromStdString(*r.answer) : tr("(none)")));
        auto* text = new QTableWidgetItem(QString::fromStdString(r.text).trimmed());
        text->setToolTip(tr("%1 tokens, ended by %2").arg(r.tokens).arg(QString::fromStdString(r.finish)));
        table_->setItem(row, 3, text);
    }
    table_->resizeColumnsToContents();
    table_->setColumnWidth(3, 560);
    table_->resizeRowsToContents();
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(summary);
    layout->addWidget(table_);
    layout->addWidget(buttons);
    resize(860, 480);
}

} // namespace gpo::ui
