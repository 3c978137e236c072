#pragma once
// New training run: a preset (each algorithm with and without GPO) as the starting point, every setting
// the algorithm reads with its value, its default and what it means, checked against the project by
// `gpo train --check` (the CLI's own validation) before Start is offered. What the dialog produces is a
// run.json: the preset's keys and the settings the user changed.
#include <QDialog>
#include <QJsonObject>

class QCheckBox;
class QComboBox;
class QLabel;
class QPushButton;
class QSpinBox;
class QTableWidget;
class QTimer;

namespace gpo::ui {

class GpoProcess;

class LaunchRunDialog : public QDialog {
    Q_OBJECT
public:
    LaunchRunDialog(const QString& projectPath, QWidget* parent = nullptr);
    ~LaunchRunDialog() override;

    /// The presets shipped with gpo (share/gpo/presets), by name.
    static QStringList presetNames();
    /// Chooses a preset (its settings replace the table's).
    bool choosePreset(const QString& name);
    /// Sets one setting's value (as the user types it: a number, true/false, text, or JSON).
    bool setValue(const QString& key, const QString& text);
    /// The run.json the dialog stands at: the preset's keys and every changed setting.
    QJsonObject config() const;
    /// Checks the config now; checked() reports the answer.
    void check();
    bool isChecked() const { return checkedOk_; }
    QString checkMessage() const;
    /// Start on Slurm (sbatch on PATH) instead of here.
    bool useSlurm() const;
    /// Local data-parallel ranks (--nproc).
    int ranks() const;

    // For tests.
    QTableWidget* settingsTable() const { return table_; }
    QComboBox* presetChoice() const { return preset_; }
    QPushButton* startButton() const { return start_; }

signals:
    void checked(bool ok);

private:
    void fillTable(const QJsonObject& config, const QJsonObject& defaults);
    void scheduleCheck();
    void onChecked(bool ok, const QJsonObject& result, const QString& error);

    QString projectPath_;
    QString checkFile_;
    QJsonObject settings_;
    QJsonObject config_;   ///< the effective settings after the last good check
    QJsonObject defaults_; ///< what each setting is when left out (from the same check)
    QStringList required_; ///< the settings with no default, which the config must give (same check)
    QComboBox* preset_;
    QTableWidget* table_;
    QLabel* status_;
    QCheckBox* slurm_;
    QSpinBox* ranks_;
    QPushButton* start_;
    QTimer* checkDelay_;
    GpoProcess* checker_;
    bool checkedOk_ = false;
    bool filling_ = false;
    bool checkAgain_ = false;
};

} // namespace gpo::ui
