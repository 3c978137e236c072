#include "analyze_dialog.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace gpo::ui {

AnalyzeDialog::AnalyzeDialog(const Registry& registry, const QString& what, QWidget* parent)
    : QDialog(parent) {
    setWindowTitle(tr("Analyze Critical Steps"));
    setMinimumWidth(380);
    auto* intro = new QLabel(tr("Estimate the value of every step prefix of %1 from the default policy's "
                                "rollouts, and pick each one's critical step.")
                                 .arg(what),
                             this);
    intro->setWordWrap(true);
    rollouts_ = new QSpinBox(this);
    rollouts_->setRange(1, 256);
    rollouts_->setValue(4); // the paper's K
    rollouts_->setToolTip(tr("Rollouts per prefix (K). Rollouts already in the project are reused."));
    temperature_ = new QDoubleSpinBox(this);
    temperature_->setRange(0.0, 2.0);
    temperature_->setSingleStep(0.1);
    temperature_->setValue(1.0);
    threshold_ = new QDoubleSpinBox(this);
    threshold_->setRange(0.0, 1.0);
    threshold_->setSingleStep(0.05);
    threshold_->setValue(0.0);
    threshold_->setToolTip(
        tr("threshold and binary-search: a prefix is lost when its value is at or below this"));
    auto* form = new QFormLayout;
    form->addRow(tr("Rollouts per prefix (K)"), rollouts_);
    form->addRow(tr("Temperature"), temperature_);
    form->addRow(tr("First-error threshold"), threshold_);
    auto* box = new QGroupBox(tr("Selectors"), this);
    auto* boxLayout = new QVBoxLayout(box);
    for (const auto* s : registry.selectors()) {
        auto* check = new QCheckBox(QString::fromStdString(s->name()), box);
        check->setChecked(true);
        check->setToolTip(QString::fromStdString(s->description()));
        boxLayout->addWidget(check);
        selectors_.push_back(check);
    }
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Analyze"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto sync = [this, buttons] {
        bool any = false;
        for (auto* c : selectors_)
            any = any || c->isChecked();
        buttons->button(QDialogButtonBox::Ok)->setEnabled(any);
    };
    for (auto* c : selectors_)
        connect(c, &QCheckBox::toggled, this, sync);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addLayout(form);
    layout->addWidget(box);
    layout->addWidget(buttons);
}

QStringList AnalyzeDialog::arguments() const {
    QStringList names;
    for (auto* c : selectors_)
        if (c->isChecked()) names << c->text();
    return {QStringLiteral("--rollouts"),    QString::number(rollouts_->value()),
            QStringLiteral("--temperature"), QString::number(temperature_->value()),
            QStringLiteral("--threshold"),   QString::number(threshold_->value()),
            QStringLiteral("--selectors"),   names.join(QLatin1Char(','))};
}

} // namespace gpo::ui
