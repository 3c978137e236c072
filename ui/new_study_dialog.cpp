#include "new_study_dialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>

namespace gpo::ui {

NewStudyDialog::NewStudyDialog(int available, QWidget* parent) : QDialog(parent) {
    setWindowTitle(tr("New Study"));
    name_ = new QLineEdit(this);
    name_->setPlaceholderText(tr("e.g. pilot-2026-11"));
    template_ = new QComboBox(this);
    template_->addItem(tr("The GPO paper's protocol: one most critical step, blind"),
                       QStringLiteral("paper"));
    template_->addItem(tr("Critical step with confidence, step labels and notes"),
                       QStringLiteral("critical-step"));
    sample_ = new QSpinBox(this);
    sample_->setRange(0, std::max(available, 1));
    sample_->setValue(std::min(available, 50));
    sample_->setSpecialValueText(tr("all %1").arg(available));
    sample_->setToolTip(
        tr("Trajectories drawn at random (with the seed) from the %1 in the list").arg(available));
    annotators_ = new QLineEdit(this);
    annotators_->setPlaceholderText(tr("optional: ann, bob, cat (others may still join and see all)"));
    overlap_ = new QSpinBox(this);
    overlap_->setRange(0, 1000);
    overlap_->setSpecialValueText(tr("everyone sees every trajectory"));
    overlap_->setToolTip(tr("How many of the planned annotators see each trajectory"));
    seed_ = new QSpinBox(this);
    seed_->setRange(0, 1 << 30);
    seed_->setValue(1);
    blind_ = new QCheckBox(tr("Hide the model's values and picks until answered"), this);
    stepLabels_ = new QCheckBox(tr("Ask for good / neutral / bad per step"), this);
    confidence_ = new QCheckBox(tr("Ask how sure the annotator is (1–5)"), this);
    shuffle_ = new QCheckBox(tr("Each annotator gets their own shuffled order"), this);
    shuffle_->setChecked(true);
    instructions_ = new QPlainTextEdit(this);
    instructions_->setMaximumHeight(80);
    connect(template_, &QComboBox::currentIndexChanged, this, &NewStudyDialog::applyTemplate);
    applyTemplate();

    auto* form = new QFormLayout;
    form->addRow(tr("Name"), name_);
    form->addRow(tr("Protocol"), template_);
    form->addRow(tr("Trajectories"), sample_);
    form->addRow(tr("Planned annotators"), annotators_);
    form->addRow(tr("Overlap"), overlap_);
    form->addRow(tr("Seed"), seed_);
    form->addRow(QString(), blind_);
    form->addRow(QString(), stepLabels_);
    form->addRow(QString(), confidence_);
    form->addRow(QString(), shuffle_);
    form->addRow(tr("Instructions"), instructions_);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Create Study"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    form->addRow(buttons);
    setLayout(form);
    resize(560, sizeHint().height());
}

void NewStudyDialog::applyTemplate() {
    const StudyConfig c = studyTemplate(template_->currentData().toString().toStdString());
    blind_->setChecked(c.blind);
    stepLabels_->setChecked(c.stepLabels);
    confidence_->setChecked(c.confidence);
    instructions_->setPlainText(QString::fromStdString(c.instructions));
}

QString NewStudyDialog::name() const {
    return name_->text().trimmed();
}

int NewStudyDialog::sample() const {
    return sample_->value();
}

StudyConfig NewStudyDialog::config() const {
    StudyConfig c = studyTemplate(template_->currentData().toString().toStdString());
    for (const QString& a : annotators_->text().split(QLatin1Char(','), Qt::SkipEmptyParts))
        if (!a.trimmed().isEmpty()) c.annotators.push_back(a.trimmed().toStdString());
    c.overlap = overlap_->value();
    c.seed = static_cast<uint64_t>(seed_->value());
    c.blind = blind_->isChecked();
    c.stepLabels = stepLabels_->isChecked();
    c.confidence = confidence_->isChecked();
    c.shuffle = shuffle_->isChecked();
    c.instructions = instructions_->toPlainText().trimmed().toStdString();
    return c;
}

} // namespace gpo::ui
