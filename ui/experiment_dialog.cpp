#include "experiment_dialog.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QLabel>
#include <QLineEdit>
#include <QRegularExpressionValidator>
#include <QSpinBox>
#include <QVBoxLayout>

namespace gpo::ui {

ExperimentDialog::ExperimentDialog(QWidget* parent) : QDialog(parent) {
    setWindowTitle(tr("Run Experiment"));
    name_ = new QLineEdit(QStringLiteral("exp"), this);
    name_->setValidator(
        new QRegularExpressionValidator(QRegularExpression(QStringLiteral("[A-Za-z0-9_.-]+")), name_));
    name_->setToolTip(tr("Names its runs and pair sets; running it again with the same name goes on where it "
                         "stopped"));
    seeds_ = new QLineEdit(QStringLiteral("1,2,3"), this);
    seeds_->setValidator(
        new QRegularExpressionValidator(QRegularExpression(QStringLiteral("[0-9]+(,[0-9]+)*")), seeds_));
    seeds_->setToolTip(tr("Training seeds; pass@1 intervals are over problems and seeds"));
    auto* methods = new QGridLayout;
    const QStringList names = {QStringLiteral("dpo"),        QStringLiteral("gpo-dpo"),
                               QStringLiteral("random-dpo"), QStringLiteral("grpo"),
                               QStringLiteral("gpo-grpo"),   QStringLiteral("random-grpo")};
    const QStringList tips = {
        tr("Baseline: a right and a wrong whole answer per problem, at GPO's sampling budget"),
        tr("DPO on pairs reset at the selector's critical step"),
        tr("The ablation: pairs reset at a random step of the same analysis"),
        tr("Baseline: GRPO at GPO-GRPO's sampling budget"),
        tr("GRPO whose failed samples are reset at their binary-search critical step"),
        tr("The ablation: resets at a random step")};
    for (int i = 0; i < names.size(); ++i) {
        auto* box = new QCheckBox(names[i], this);
        box->setChecked(true);
        box->setToolTip(tips[i]);
        methods->addWidget(box, i / 3, i % 3);
        methods_.push_back(box);
    }
    auto spin = [this](int value, int max, const QString& tip) {
        auto* s = new QSpinBox(this);
        s->setRange(1, max);
        s->setValue(value);
        s->setToolTip(tip);
        return s;
    };
    trainProblems_ = spin(200, 100000, tr("Training problems the offline GPO data come from"));
    heldout_ = spin(1000, 100000, tr("Fresh test-stream problems every trained policy answers greedily"));
    dpoSteps_ = spin(50, 100000, tr("DPO steps of each offline method"));
    grpoSteps_ = spin(20, 100000, tr("GPO-GRPO steps; the other online methods get its sampling budget"));
    auto* form = new QFormLayout;
    form->addRow(tr("Name"), name_);
    form->addRow(tr("Seeds"), seeds_);
    form->addRow(tr("Methods"), methods);
    form->addRow(tr("Training problems"), trainProblems_);
    form->addRow(tr("Held-out problems"), heldout_);
    form->addRow(tr("DPO steps"), dpoSteps_);
    form->addRow(tr("GRPO steps"), grpoSteps_);
    auto* note =
        new QLabel(tr("With these defaults it takes about 18 minutes on 2 CPU cores. Its runs appear in "
                      "the Runs tab as they start; select the experiment there for its comparison."),
                   this);
    note->setWordWrap(true);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    buttons->addButton(tr("Start"), QDialogButtonBox::AcceptRole);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(note);
    layout->addWidget(buttons);
}

QStringList ExperimentDialog::arguments() const {
    QStringList chosen;
    for (QCheckBox* box : methods_)
        if (box->isChecked()) chosen << box->text();
    return {QStringLiteral("--name"),           name_->text(),
            QStringLiteral("--seeds"),          seeds_->text(),
            QStringLiteral("--methods"),        chosen.join(QLatin1Char(',')),
            QStringLiteral("--train-problems"), QString::number(trainProblems_->value()),
            QStringLiteral("--heldout"),        QString::number(heldout_->value()),
            QStringLiteral("--dpo-steps"),      QString::number(dpoSteps_->value()),
            QStringLiteral("--grpo-steps"),     QString::number(grpoSteps_->value())};
}

} // namespace gpo::ui
