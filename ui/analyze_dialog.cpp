#include "analyze_dialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>
#include <cmath>

namespace gpo::ui {

AnalyzeDialog::AnalyzeDialog(const Registry& registry, const QString& what, QWidget* parent,
                             std::vector<int64_t> steps, const QStringList& policies)
    : QDialog(parent), steps_(std::move(steps)) {
    setWindowTitle(tr("Analyze Critical Steps"));
    setMinimumWidth(380);
    auto* intro = new QLabel(tr("Estimate the value of every step prefix of %1 from the policy's "
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
    policy_ = new QComboBox(this);
    policy_->addItems(policies);
    policy_->setToolTip(tr("The policy whose rollouts estimate the values (the project's default first)"));
    maxTokens_ = new QSpinBox(this);
    maxTokens_->setRange(0, 32768);
    maxTokens_->setSpecialValueText(tr("the policy's default"));
    maxTokens_->setToolTip(tr("Most tokens a rollout may write (0: generation_config.json's, else 512)"));
    seed_ = new QSpinBox(this);
    seed_->setRange(0, 1 << 30);
    seed_->setValue(0); // sets the text at once (an unshown spin box would draw it empty)
    seed_->setToolTip(tr("Rollout seeds derive from it, the trajectory, the prefix and the index"));
    estimate_ = new QLabel(this);
    estimate_->setWordWrap(true);
    estimate_->setStyleSheet(QStringLiteral("color:#374151; background:#eef2ff; padding:6px"));
    auto* form = new QFormLayout;
    if (policies.isEmpty())
        policy_->hide(); // the project's default policy: nothing to choose
    else
        form->addRow(tr("Policy"), policy_);
    form->addRow(tr("Rollouts per prefix (K)"), rollouts_);
    form->addRow(tr("Max new tokens"), maxTokens_);
    form->addRow(tr("Seed"), seed_);
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
    for (auto* c : selectors_) {
        connect(c, &QCheckBox::toggled, this, sync);
        connect(c, &QCheckBox::toggled, this, &AnalyzeDialog::updateEstimate);
    }
    connect(rollouts_, &QSpinBox::valueChanged, this, &AnalyzeDialog::updateEstimate);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addLayout(form);
    layout->addWidget(box);
    layout->addWidget(estimate_);
    layout->addWidget(buttons);
    updateEstimate();
}

int64_t AnalyzeDialog::estimatedRollouts() const {
    // binary-search alone needs about log2(H) + 1 prefixes; every other selector needs them all.
    bool fullScan = false, any = false;
    for (auto* c : selectors_)
        if (c->isChecked()) {
            any = true;
            fullScan = fullScan || c->text() != QLatin1String("binary-search");
        }
    if (!any) return 0;
    int64_t prefixes = 0;
    for (const int64_t h : steps_)
        prefixes += fullScan ? h : static_cast<int64_t>(std::ceil(std::log2(std::max<int64_t>(h, 1)))) + 1;
    return prefixes * rollouts_->value();
}

QString AnalyzeDialog::estimateText() const {
    const int64_t n = estimatedRollouts();
    // The demo policy's rate on a 2-core CPU (gpo bench analyze); a larger policy is slower.
    const double seconds = static_cast<double>(n) / 300.0;
    return tr("Cost: at most %1 rollouts over %2 trajectories (those already in the project are reused). "
              "The demo policy draws about 300 a second on 2 CPU cores: about %3 for it; a larger policy "
              "takes longer.")
        .arg(n)
        .arg(steps_.size())
        .arg(seconds < 90 ? tr("%1 s").arg(std::max(1, qRound(seconds)))
                          : tr("%1 min").arg(qRound(seconds / 60)));
}

void AnalyzeDialog::updateEstimate() {
    estimate_->setVisible(!steps_.empty());
    estimate_->setText(estimateText());
}

QStringList AnalyzeDialog::arguments() const {
    QStringList names;
    for (auto* c : selectors_)
        if (c->isChecked()) names << c->text();
    QStringList args{QStringLiteral("--rollouts"),    QString::number(rollouts_->value()),
                     QStringLiteral("--temperature"), QString::number(temperature_->value()),
                     QStringLiteral("--threshold"),   QString::number(threshold_->value()),
                     QStringLiteral("--selectors"),   names.join(QLatin1Char(','))};
    if (policy_->count() > 0 && policy_->currentIndex() > 0)
        args << QStringLiteral("--policy") << policy_->currentText();
    if (maxTokens_->value() > 0)
        args << QStringLiteral("--max-tokens") << QString::number(maxTokens_->value());
    if (seed_->value() > 0) args << QStringLiteral("--seed") << QString::number(seed_->value());
    return args;
}

} // namespace gpo::ui
