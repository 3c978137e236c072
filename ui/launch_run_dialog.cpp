#include "launch_run_dialog.h"

#include "gpo_process.h"
#include "train/setting_help.h"
#include "util/resource_paths.h"

#include <QCheckBox>
#include <QComboBox>
#include <QCoreApplication>
#include <QDialogButtonBox>
#include <QDir>
#include <QFile>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QPushButton>
#include <QRegularExpression>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTableWidget>
#include <QThread>
#include <QTimer>
#include <QVBoxLayout>

namespace gpo::ui {
namespace {

enum Column { Key, Value, Default };

QString presetFolder() {
    const auto dir = findSharedResource("presets");
    return dir ? QString::fromStdString(*dir) : QString();
}

QString display(const QJsonValue& v) {
    if (v.isString()) return v.toString();
    if (v.isBool()) return v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    if (v.isDouble()) return QString::number(v.toDouble(), 'g', 12);
    if (v.isNull() || v.isUndefined()) return {};
    const QJsonDocument doc = v.isArray() ? QJsonDocument(v.toArray()) : QJsonDocument(v.toObject());
    return QString::fromUtf8(doc.toJson(QJsonDocument::Compact));
}

/// What the user typed, as the JSON value it means: a number, true/false, JSON, else a string.
QJsonValue parseValue(const QString& text, const QJsonValue& like) {
    if (like.isString()) return text; // a string setting stays a string, even "123"
    const QJsonDocument doc = QJsonDocument::fromJson(("[" + text + "]").toUtf8());
    if (doc.isArray() && doc.array().size() == 1) return doc.array().first();
    return text;
}

const train::SettingHelp* helpOf(const QString& key) {
    const auto& all = train::settingHelp();
    const auto it = all.find(key.toStdString());
    return it == all.end() ? nullptr : &it->second;
}

} // namespace

QStringList LaunchRunDialog::presetNames() {
    QStringList names;
    for (const QString& file : QDir(presetFolder()).entryList({QStringLiteral("*.json")}, QDir::Files))
        names << QFileInfo(file).completeBaseName();
    // Each algorithm beside its GPO form: dpo, gpo-dpo, grpo, gpo-grpo, …
    std::sort(names.begin(), names.end(), [](const QString& a, const QString& b) {
        auto base = [](const QString& n) { return n.startsWith(QLatin1String("gpo-")) ? n.mid(4) : n; };
        return base(a) != base(b) ? base(a) < base(b) : a.size() < b.size();
    });
    return names;
}

LaunchRunDialog::LaunchRunDialog(const QString& projectPath, QWidget* parent)
    : QDialog(parent), projectPath_(projectPath) {
    setWindowTitle(tr("New Training Run"));
    preset_ = new QComboBox(this);
    preset_->addItems(presetNames());
    preset_->setToolTip(tr("Each algorithm with and without GPO; the settings below start from it"));
    table_ = new QTableWidget(0, 3, this);
    table_->setHorizontalHeaderLabels({tr("Setting"), tr("Value"), tr("Default")});
    table_->verticalHeader()->hide();
    table_->horizontalHeader()->setSectionResizeMode(Key, QHeaderView::ResizeToContents);
    table_->horizontalHeader()->setSectionResizeMode(Value, QHeaderView::Stretch);
    table_->horizontalHeader()->setSectionResizeMode(Default, QHeaderView::ResizeToContents);
    table_->setAlternatingRowColors(true);
    table_->verticalHeader()->setDefaultSectionSize(22);
    status_ = new QLabel(this);
    status_->setWordWrap(true);
    status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    status_->setMinimumHeight(40);
    slurm_ = new QCheckBox(tr("Submit to Slurm"), this);
    const bool hasSlurm = !QStandardPaths::findExecutable(QStringLiteral("sbatch")).isEmpty();
    slurm_->setEnabled(hasSlurm);
    slurm_->setToolTip(hasSlurm
                           ? tr("gpo train --slurm: the run is queued with sbatch and its ranks take it up")
                           : tr("sbatch is not on PATH: this machine is not a Slurm login node"));
    ranks_ = new QSpinBox(this);
    ranks_->setRange(1, std::max(1, QThread::idealThreadCount()));
    ranks_->setToolTip(tr("Data-parallel ranks on this machine (gpo train --nproc); each gets its share of "
                          "the cores, and per_device_train_batch_size is each rank's"));
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    start_ = buttons->addButton(tr("Start"), QDialogButtonBox::AcceptRole);
    start_->setEnabled(false);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto* top = new QFormLayout;
    top->addRow(tr("Preset"), preset_);
    auto* launch = new QHBoxLayout;
    launch->addWidget(new QLabel(tr("Ranks"), this));
    launch->addWidget(ranks_);
    launch->addSpacing(12);
    launch->addWidget(slurm_);
    launch->addStretch(1);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(new QLabel(
        tr("Settings (values that differ from the default in bold; hover a setting for what it does):"),
        this));
    layout->addWidget(table_, 1);
    layout->addWidget(status_);
    layout->addLayout(launch);
    layout->addWidget(buttons);
    resize(720, 640);

    checker_ = new GpoProcess(this);
    connect(checker_, &GpoProcess::finished, this, &LaunchRunDialog::onChecked);
    checkDelay_ = new QTimer(this);
    checkDelay_->setSingleShot(true);
    checkDelay_->setInterval(400); // typing: check once the user pauses
    connect(checkDelay_, &QTimer::timeout, this, &LaunchRunDialog::check);
    checkFile_ =
        QDir::temp().filePath(QStringLiteral("gpo-launch-%1.json").arg(QCoreApplication::applicationPid()));
    connect(preset_, &QComboBox::currentTextChanged, this, &LaunchRunDialog::choosePreset);
    connect(table_, &QTableWidget::itemChanged, this, [this](QTableWidgetItem* item) {
        if (filling_ || item->column() != Value) return;
        setValue(table_->item(item->row(), Key)->text(), item->text());
    });
    const int gpoDpo = preset_->findText(QStringLiteral("gpo-dpo"));
    if (gpoDpo >= 0) preset_->setCurrentIndex(gpoDpo);
    choosePreset(preset_->currentText());
}

LaunchRunDialog::~LaunchRunDialog() {
    QFile::remove(checkFile_);
}

bool LaunchRunDialog::choosePreset(const QString& name) {
    QFile f(QDir(presetFolder()).filePath(name + QStringLiteral(".json")));
    if (!f.open(QIODevice::ReadOnly)) {
        status_->setText(tr("No preset named '%1' in %2").arg(name, presetFolder()));
        return false;
    }
    settings_ = QJsonDocument::fromJson(f.readAll()).object();
    fillTable(settings_, {});
    check();
    return true;
}

bool LaunchRunDialog::setValue(const QString& key, const QString& text) {
    // The setting's type is its default's (what the user typed before may have been wrong).
    QJsonValue like = defaults_.value(key);
    if (like.isUndefined()) like = config_.value(key);
    if (like.isUndefined()) like = settings_.value(key);
    const QJsonValue value = parseValue(text.trimmed(), like);
    if (text.trimmed().isEmpty() && !like.isString())
        settings_.remove(key); // cleared: back to the default
    else
        settings_[key] = value;
    checkedOk_ = false;
    start_->setEnabled(false);
    scheduleCheck();
    return true;
}

QJsonObject LaunchRunDialog::config() const {
    return settings_;
}

void LaunchRunDialog::scheduleCheck() {
    checkDelay_->start();
}

void LaunchRunDialog::check() {
    checkDelay_->stop();
    if (checker_->isRunning()) {
        checkAgain_ = true;
        return;
    }
    QFile f(checkFile_);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        status_->setText(tr("Cannot write %1").arg(checkFile_));
        return;
    }
    f.write(QJsonDocument(settings_).toJson());
    f.close();
    checkedOk_ = false;
    start_->setEnabled(false);
    status_->setText(tr("Checking the settings against the project…"));
    checker_->start({QStringLiteral("train"), QStringLiteral("-p"), projectPath_, QStringLiteral("-c"),
                     checkFile_, QStringLiteral("--check")});
}

void LaunchRunDialog::onChecked(bool ok, const QJsonObject& result, const QString& error) {
    if (checkAgain_) {
        checkAgain_ = false;
        check();
        return;
    }
    checkedOk_ = ok;
    start_->setEnabled(ok);
    filling_ = true; // marking rows is not editing them
    for (int row = 0; row < table_->rowCount(); ++row)
        for (int c = 0; c < 3; ++c)
            if (auto* item = table_->item(row, c)) item->setBackground(QBrush());
    filling_ = false;
    if (!ok) {
        // The CLI names the setting: "<file>: \"key\": why". Show the message without the temporary file.
        QString message = error;
        message.replace(checkFile_ + QStringLiteral(": "), QString());
        status_->setText(
            QStringLiteral("<span style='color:#b91c1c'>✗ %1</span>").arg(message.toHtmlEscaped()));
        const auto m = QRegularExpression(QStringLiteral("\"([a-z0-9_]+)\":")).match(error);
        filling_ = true;
        if (m.hasMatch())
            for (int row = 0; row < table_->rowCount(); ++row)
                if (table_->item(row, Key)->text() == m.captured(1)) {
                    for (int c = 0; c < 3; ++c)
                        table_->item(row, c)->setBackground(QColor(254, 226, 226));
                    table_->scrollToItem(table_->item(row, Key));
                }
        filling_ = false;
        emit checked(false);
        return;
    }
    config_ = result.value(QStringLiteral("config")).toObject();
    defaults_ = result.value(QStringLiteral("defaults")).toObject();
    required_.clear();
    for (const QJsonValue& key : result.value(QStringLiteral("required")).toArray())
        required_ << key.toString();
    fillTable(config_, defaults_);
    const QString source =
        result.contains(QStringLiteral("dataset"))
            ? tr("the prompts of %1").arg(result.value(QStringLiteral("dataset")).toString())
            : tr("the pairs of %1").arg(result.value(QStringLiteral("pairs")).toString());
    QString steps;
    if (result.contains(QStringLiteral("max_steps")))
        steps = tr(", %1 steps").arg(result.value(QStringLiteral("max_steps")).toInteger());
    status_->setText(QStringLiteral("<span style='color:#15803d'>✓ %1</span>")
                         .arg(tr("'%1' would train %2 on %3 examples: %4%5")
                                  .arg(result.value(QStringLiteral("run_name")).toString(),
                                       result.value(QStringLiteral("policy")).toString())
                                  .arg(result.value(QStringLiteral("examples")).toInteger())
                                  .arg(source, steps)
                                  .toHtmlEscaped()));
    emit checked(true);
}

QString LaunchRunDialog::checkMessage() const {
    return status_->text();
}

bool LaunchRunDialog::useSlurm() const {
    return slurm_->isChecked();
}

int LaunchRunDialog::ranks() const {
    return ranks_->value();
}

void LaunchRunDialog::fillTable(const QJsonObject& config, const QJsonObject& defaults) {
    filling_ = true;
    const QString algorithm = config.value(QStringLiteral("algorithm")).toString(QStringLiteral("dpo"));
    QStringList keys;
    for (auto it = config.begin(); it != config.end(); ++it) {
        const train::SettingHelp* help = helpOf(it.key());
        if (help && !help->algorithms.empty() && !help->algorithms.count(algorithm.toStdString())) continue;
        keys << it.key();
    }
    if (!keys.contains(QStringLiteral("use_peft")) && !defaults.isEmpty()) keys << QStringLiteral("use_peft");
    // What a run is comes first; the rest alphabetically.
    const QStringList first = {QStringLiteral("algorithm"), QStringLiteral("gpo"),
                               QStringLiteral("run_name"),  QStringLiteral("policy"),
                               QStringLiteral("pairs"),     QStringLiteral("dataset"),
                               QStringLiteral("max_steps"), QStringLiteral("learning_rate")};
    std::stable_sort(keys.begin(), keys.end(), [&](const QString& a, const QString& b) {
        const auto ia = first.indexOf(a), ib = first.indexOf(b);
        if (ia >= 0 || ib >= 0) return ia >= 0 && (ib < 0 || ia < ib);
        return a < b;
    });
    table_->setRowCount(static_cast<int>(keys.size()));
    for (int row = 0; row < keys.size(); ++row) {
        const QString& key = keys[row];
        const QJsonValue value = config.contains(key) ? config.value(key) : defaults.value(key);
        const QJsonValue byDefault = defaults.value(key);
        const train::SettingHelp* help = helpOf(key);
        const QString tip = help ? QString::fromStdString(help->text) : QString();
        auto* k = new QTableWidgetItem(key);
        k->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
        auto* v = new QTableWidgetItem(display(value.isUndefined() ? QJsonValue(false) : value));
        // A setting without a default (what the run trains on, the algorithm) is required: it says so.
        const bool required = required_.contains(key);
        auto* d = new QTableWidgetItem(required ? tr("(required)") : display(byDefault));
        d->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
        d->setForeground(QColor(100, 100, 100));
        const bool changed = !required && !defaults.isEmpty() && value != byDefault && !value.isUndefined();
        QFont font = k->font();
        font.setBold(changed);
        k->setFont(font);
        v->setFont(font);
        for (auto* item : {k, v, d})
            item->setToolTip(tip);
        table_->setItem(row, Key, k);
        table_->setItem(row, Value, v);
        table_->setItem(row, Default, d);
    }
    filling_ = false;
}

} // namespace gpo::ui
