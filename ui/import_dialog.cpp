#include "import_dialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSettings>
#include <QVBoxLayout>

namespace gpo::ui {

ImportDialog::ImportDialog(const Registry& registry, QWidget* parent) : QDialog(parent) {
    setWindowTitle(tr("Import Dataset"));
    format_ = new QComboBox(this);
    for (const auto* r : registry.readers())
        format_->addItem(QStringLiteral("%1 — %2").arg(QString::fromStdString(r->name()),
                                                       QString::fromStdString(r->description())),
                         QString::fromStdString(r->name()));
    dataset_ = new QLineEdit(this);
    dataset_->setPlaceholderText(tr("default: the format's name"));
    segmenter_ = new QComboBox(this);
    for (const auto* s : registry.segmenters())
        segmenter_->addItem(QStringLiteral("%1 — %2").arg(QString::fromStdString(s->name()),
                                                          QString::fromStdString(s->description())),
                            QString::fromStdString(s->name()));
    skipBad_ = new QCheckBox(tr("Skip bad records (otherwise a bad record cancels its file)"), this);
    files_ = new QListWidget(this);
    files_->setMinimumHeight(120);
    auto* addFilesButton = new QPushButton(tr("Add Files…"), this);
    auto* addFolderButton = new QPushButton(tr("Add Folder…"), this);
    auto* removeButton = new QPushButton(tr("Remove"), this);
    connect(addFilesButton, &QPushButton::clicked, this, &ImportDialog::addFiles);
    connect(addFolderButton, &QPushButton::clicked, this, &ImportDialog::addFolder);
    connect(removeButton, &QPushButton::clicked, this, [this] {
        qDeleteAll(files_->selectedItems());
        updateOk();
    });
    auto* fileButtons = new QHBoxLayout;
    fileButtons->addWidget(addFilesButton);
    fileButtons->addWidget(addFolderButton);
    fileButtons->addWidget(removeButton);
    fileButtons->addStretch();

    auto* form = new QFormLayout;
    form->addRow(tr("&Format:"), format_);
    form->addRow(tr("&Dataset name:"), dataset_);
    form->addRow(tr("&Steps:"), segmenter_);
    form->addRow(QString(), skipBad_);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    ok_ = buttons->button(QDialogButtonBox::Ok);
    ok_->setText(tr("Import"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(files_);
    layout->addLayout(fileButtons);
    layout->addWidget(buttons);
    resize(640, 360);
    // The settings of the last import, and the folder it read from.
    const QSettings settings;
    if (const int f = format_->findData(settings.value(QStringLiteral("import/format"))); f >= 0)
        format_->setCurrentIndex(f);
    if (const int g = segmenter_->findData(settings.value(QStringLiteral("import/segmenter"))); g >= 0)
        segmenter_->setCurrentIndex(g);
    skipBad_->setChecked(settings.value(QStringLiteral("import/skipBad"), false).toBool());
    connect(this, &QDialog::accepted, this, [this] {
        QSettings s;
        s.setValue(QStringLiteral("import/format"), format_->currentData());
        s.setValue(QStringLiteral("import/segmenter"), segmenter_->currentData());
        s.setValue(QStringLiteral("import/skipBad"), skipBad_->isChecked());
    });
    updateOk();
}

QString ImportDialog::lastFolder() {
    return QSettings().value(QStringLiteral("import/folder")).toString();
}

void ImportDialog::addFiles() {
    const QString format = format_->currentData().toString();
    const QString filter = format == QLatin1String("mmlu")      ? tr("MMLU CSV (*.csv)")
                           : format == QLatin1String("mmlupro") ? tr("MMLU-Pro (*.parquet *.jsonl)")
                                                                : tr("JSON and JSON Lines (*.jsonl *.json)");
    const auto paths = QFileDialog::getOpenFileNames(this, tr("Dataset Files"), lastFolder(),
                                                     filter + QStringLiteral(";;") + tr("All files (*)"));
    for (const auto& p : paths)
        files_->addItem(p);
    if (!paths.isEmpty())
        QSettings().setValue(QStringLiteral("import/folder"), QFileInfo(paths.first()).absolutePath());
    updateOk();
}

void ImportDialog::addFolder() {
    const auto dir = QFileDialog::getExistingDirectory(this, tr("Dataset Folder"), lastFolder());
    if (!dir.isEmpty()) {
        files_->addItem(dir);
        QSettings().setValue(QStringLiteral("import/folder"), QFileInfo(dir).absolutePath());
    }
    updateOk();
}

void ImportDialog::updateOk() {
    ok_->setEnabled(files_->count() > 0);
}

QStringList ImportDialog::paths() const {
    QStringList out;
    for (int i = 0; i < files_->count(); ++i)
        out << files_->item(i)->text();
    return out;
}

ImportOptions ImportDialog::options() const {
    ImportOptions o;
    o.format = format_->currentData().toString().toStdString();
    o.dataset = dataset_->text().trimmed().toStdString();
    o.segmenter = segmenter_->currentData().toString().toStdString();
    o.skipBad = skipBad_->isChecked();
    return o;
}

} // namespace gpo::ui
