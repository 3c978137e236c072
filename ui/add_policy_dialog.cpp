#include "add_policy_dialog.h"

#include "gpo_process.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontDatabase>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace gpo::ui {

AddPolicyDialog::AddPolicyDialog(const QString& project, QWidget* parent)
    : QDialog(parent), project_(project), gpo_(new GpoProcess(this)) {
    setWindowTitle(tr("Add Policy Checkpoint"));
    folder_ = new QLineEdit;
    folder_->setPlaceholderText(
        tr("a Hugging Face checkpoint folder (config.json, *.safetensors, tokenizer)"));
    auto* browse = new QPushButton(tr("Browse…"));
    connect(browse, &QPushButton::clicked, this, &AddPolicyDialog::browse);
    auto* folderRow = new QHBoxLayout;
    folderRow->addWidget(folder_, 1);
    folderRow->addWidget(browse);
    name_ = new QLineEdit;
    makeDefault_ = new QCheckBox(tr("Make it the project's default policy"));
    auto* form = new QFormLayout;
    form->addRow(tr("Folder"), folderRow);
    form->addRow(tr("Name"), name_);
    form->addRow(QString(), makeDefault_);

    report_ = new QPlainTextEdit;
    report_->setReadOnly(true);
    report_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    report_->setPlaceholderText(tr("What gpo finds in the folder appears here: architecture, parameters, "
                                   "context length, tokenizer, the prompt a question gets, generation "
                                   "defaults, and anything it cannot do with the checkpoint."));
    report_->setMinimumSize(720, 260);
    status_ = new QLabel;
    status_->setWordWrap(true);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close);
    add_ = buttons->addButton(tr("Add"), QDialogButtonBox::AcceptRole);
    connect(add_, &QPushButton::clicked, this, &AddPolicyDialog::add);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(folder_, &QLineEdit::textChanged, this, [this](const QString& f) {
        if (name_->text().isEmpty() || name_->property("auto").toBool()) {
            name_->setText(QFileInfo(QDir::cleanPath(f)).fileName());
            name_->setProperty("auto", true);
        }
        updateButtons();
    });
    connect(name_, &QLineEdit::textEdited, this, [this] {
        name_->setProperty("auto", false);
        updateButtons();
    });

    connect(gpo_, &GpoProcess::finished, this,
            [this](bool ok, const QJsonObject& result, const QString& error) {
                updateButtons();
                if (!ok) {
                    status_->setText(tr("<b>Refused:</b> %1").arg(error.toHtmlEscaped()));
                    report_->setPlainText(error);
                    return;
                }
                added_ = true;
                const QString name =
                    result[QStringLiteral("policy")].toObject()[QStringLiteral("name")].toString();
                status_->setText(tr("Registered <b>%1</b>.").arg(name.toHtmlEscaped()));
                report_->setPlainText(result[QStringLiteral("report_text")].toString());
                emit policyAdded(name);
            });

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(report_, 1);
    layout->addWidget(status_);
    layout->addWidget(buttons);
    updateButtons();
}

void AddPolicyDialog::setFolder(const QString& folder) {
    folder_->setText(folder);
}

void AddPolicyDialog::browse() {
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Checkpoint Folder"), folder_->text());
    if (!dir.isEmpty()) folder_->setText(dir);
}

void AddPolicyDialog::updateButtons() {
    add_->setEnabled(!gpo_->isRunning() && !folder_->text().trimmed().isEmpty() &&
                     !name_->text().trimmed().isEmpty());
}

void AddPolicyDialog::add() {
    if (gpo_->isRunning()) return;
    status_->setText(tr("Loading the checkpoint…"));
    report_->clear();
    QStringList args{QStringLiteral("policy"),    QStringLiteral("add"),
                     QStringLiteral("--project"), project_,
                     QStringLiteral("--name"),    name_->text().trimmed(),
                     QStringLiteral("--path"),    folder_->text().trimmed()};
    if (makeDefault_->isChecked()) args << QStringLiteral("--default");
    gpo_->start(args);
    updateButtons();
}

QString AddPolicyDialog::report() const {
    return report_->toPlainText();
}

} // namespace gpo::ui
