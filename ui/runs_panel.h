#pragma once
// The Runs tab: every run of the project (training, analysis, evaluation, experiment), whoever started
// it, with its progress; the selected runs' curves overlaid and live; what a run sampled, the pairs it
// trained on (each a click from its trajectory's critical step) and an experiment's comparison. Training
// starts from the launch dialog as a detached `gpo train` (it goes on if the studio is closed) or on Slurm,
// and stops and resumes from here. The list is re-read every few seconds, so a run started from the CLI, or
// one still going when the studio was reopened, appears and is followed; a run whose process is gone reads
// "stopped".
#include "store/project.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QTimer>
#include <QWidget>
#include <memory>
#include <vector>

class QComboBox;
class QLabel;
class QPushButton;
class QTableView;
class QTabWidget;

namespace gpo::ui {

class ExperimentView;
class DetachedJob;
class RunCurves;
class RunPairsView;
class RunSamplesView;
class RunsTableModel;

class RunsPanel : public QWidget {
    Q_OBJECT
public:
    explicit RunsPanel(QWidget* parent = nullptr);
    ~RunsPanel() override;

    /// The project whose runs it lists (its own connection); empty: none.
    void setProjectPath(const QString& path);
    /// Re-reads the runs (the timer does this every few seconds while the tab is shown).
    void refresh();
    /// Selects one run (and shows its curves and details); false when the list has no such run.
    bool selectRun(int64_t runId);
    /// Selects several runs: their curves are overlaid.
    void selectRuns(const std::vector<int64_t>& runIds);
    std::vector<int64_t> selectedRuns() const;
    /// Starts `gpo train` on a config (written to <project>.runs/configs/); an error text, or empty.
    QString startRun(const QJsonObject& config, bool slurm = false, int ranks = 1);
    /// Starts `gpo experiment` with these options (ExperimentDialog::arguments); an error text, or empty.
    QString startExperiment(const QStringList& options);
    /// Stops a run: the studio's own child gets SIGTERM; any other goes through `gpo runs --cancel`.
    QString stopRun(int64_t runId);
    /// Takes up a stopped, cancelled or failed training run from its checkpoint (gpo train --resume).
    QString resumeRun(int64_t runId);
    /// Opens the launch dialog and starts what it is accepted with (Training > New Run…).
    void newRun();
    /// Opens the policy comparison (Training > Compare Policies…).
    void comparePolicies();
    /// Opens the experiment's settings and starts it (Training > Run Experiment…).
    void newExperiment();
    /// Runs started from this studio that are still going (they go on if it is closed).
    int activeRuns() const;
    /// "name (run N)" of every run of the project that is running now, whoever started it.
    QStringList runningRuns() const;
    /// The filters, the detail tab and the selected run, kept across sessions (QSettings, per project for
    /// the run).
    void saveState() const;
    void restoreState();

    // For tests and the benchmark.
    RunsTableModel* model() const { return model_; }
    QTableView* table() const { return table_; }
    RunCurves* curves() const { return curves_; }
    RunSamplesView* samples() const { return samples_; }
    RunPairsView* pairs() const { return pairs_; }
    ExperimentView* experiment() const { return experiment_; }
    QTabWidget* detailTabs() const { return details_; }
    QComboBox* kindFilter() const { return kind_; }
    QLabel* notice() const { return notice_; }
    QPushButton* resumeButton() const { return resume_; }
    QComboBox* stateFilter() const { return state_; }

signals:
    /// Open a trajectory at a step (a pair's critical step, a compared answer).
    void trajectoryActivated(int64_t trajectoryId, int step);
    /// A run the studio started has ended (ok: it finished; else the error).
    void runEnded(int64_t runId, bool ok, const QString& error);
    /// A line for the status bar.
    void message(const QString& text);

protected:
    void showEvent(QShowEvent* event) override;
    void hideEvent(QHideEvent* event) override;

private:
    void selectionChanged();
    void showDetails(int64_t runId);
    void updateButtons();
    /// Tells what the selected run does while it has logged nothing yet (in the curves' place).
    void updatePreparing();
    /// A failure stays on screen until dismissed (the status bar's line goes after a while).
    void showFailure(int64_t runId, const QString& error);
    /// Starts `gpo ARGS` detached (it outlives the studio; its output goes to <project>.runs/logs/); an
    /// error text, or empty.
    QString launch(const QStringList& args, const QString& what, int64_t runId = 0);
    QString configFolder() const;

    std::unique_ptr<Project> project_;
    QString projectPath_;
    RunsTableModel* model_;
    QTableView* table_;
    QComboBox* kind_;
    QLabel* notice_;
    QElapsedTimer sinceRefresh_; ///< the curves' new points refresh the table, at most once a second
    QComboBox* state_;
    QPushButton* newRun_;
    QPushButton* stop_;
    QPushButton* resume_;
    QPushButton* compare_;
    QLabel* count_;
    QTabWidget* details_;
    RunCurves* curves_;
    RunSamplesView* samples_;
    RunPairsView* pairs_;
    ExperimentView* experiment_;
    QTimer refreshTimer_;
    struct Child {
        DetachedJob* job = nullptr;
        int64_t runId = 0; ///< known from its first event that names it
    };
    std::vector<Child> children_;
    int64_t detailsRun_ = -1;
};

} // namespace gpo::ui
