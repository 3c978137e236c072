#pragma once
// The studio's main window: a project's trajectory browser (filterable) beside the trajectory view.
#include "job_tracker.h"
#include "plugin/registry.h"
#include "store/project.h"
#include "store/studies.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QMainWindow>
#include <functional>
#include <memory>
#include <optional>

class QComboBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QTabWidget;
class QTableView;
class QMenu;
class QSplitter;
class QTimer;

namespace gpo::ui {

class AdvantageHeatmap;
class AgreementDashboard;
class AnnotationPanel;
class GpoProcess;
class RunsPanel;
class TrajectoryLineage;
class TrajectoryTableModel;
class TrajectoryView;
class ValuePlot;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(Registry& registry, QWidget* parent = nullptr);
    /// Help > About's text: the studio's version and commit, and what gpo --version says of LibTorch.
    static QString aboutHtml();
    ~MainWindow() override;

    /// Opens a project file (created when `create`); shows an error and returns false on failure.
    bool openProject(const QString& path, bool create = false);
    /// Opens (creating it on first use) the demo project.
    bool openDemoProject();
    QString projectPath() const;

    // For tests and scripting.
    TrajectoryTableModel* trajectoryModel() const { return model_; }
    TrajectoryView* trajectoryView() const { return view_; }
    ValuePlot* valuePlot() const { return valuePlot_; }
    AdvantageHeatmap* heatmap() const { return heatmap_; }
    QTabWidget* viewTabs() const { return tabs_; }
    AnnotationPanel* annotationPanel() const { return annotate_; }
    AgreementDashboard* agreementDashboard() const { return dashboard_; }
    RunsPanel* runsPanel() const { return runs_; }
    TrajectoryLineage* trajectoryLineage() const { return lineage_; }
    /// What closing the window last said of the runs that go on without it (empty: none were running).
    QString quitNotice() const { return quitNotice_; }
    /// Shows a trajectory at a step (0-based) wherever it is: the list's filters are cleared when they
    /// hide it.
    void showTrajectoryAnywhere(int64_t trajectoryId, int step);
    /// Creates a study over the trajectories in the list (`sample` of them at random; 0: all), as
    /// Study → New Study does after its dialog, and opens it in the Annotate tab. False on failure.
    bool createStudyFromList(const QString& name, const StudyConfig& config, int sample);
    /// Writes a study pack of `study` (for `annotator`, or anyone) to `path`; an error text or empty.
    QString exportStudyPack(const QString& study, const QString& annotator, const QString& path);
    /// Writes the listed trajectories as `gpo export` does (JSONL, or CSV for a .csv path); an error or
    /// empty.
    QString exportListedTrajectories(const QString& path);
    /// Recently opened projects, newest first.
    QStringList recentProjects() const;
    /// The Help → Keyboard Shortcuts text (every action's shortcut, and the Annotate tab's keys).
    QString shortcutsHtml() const;
    /// Merges returned packs; a summary or an error text.
    QString mergeStudyPacks(const QStringList& paths);
    /// Starts `gpo analyze` on the trajectories the filters show, with these extra options (as the
    /// Analysis menu does after its dialog).
    void analyzeList(const QStringList& options);
    /// Selects a trajectory in the list and shows it at `step` (the heatmap's clicks).
    void openTrajectoryAt(int64_t trajectoryId, int step);
    QTableView* trajectoryTable() const { return table_; }
    /// The trajectory view's choice of analysis run (one entry per run with results for the trajectory).
    QComboBox* analysisRunChoice() const { return runChoice_; }
    QComboBox* datasetFilter() const { return datasetFilter_; }
    QComboBox* verdictFilter() const { return verdictFilter_; }
    QLineEdit* textFilter() const { return textFilter_; }
    /// True while the trajectory list is being (re)loaded.
    bool isLoading() const { return loading_; }
    /// True while a gpo child process (building the demo project, an evaluation) runs.
    bool isRunningJob() const;

signals:
    /// The trajectory list for the current filters is in place.
    void trajectoriesLoaded(int count);
    /// The heatmap shows the analyses of the listed trajectories.
    void heatmapLoaded();

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void buildActions();
    /// The window's size, the list/view split and the list's columns as the user left them.
    void restoreLayout();
    void buildLayout();
    void refreshDatasets();
    void reloadTrajectories();
    void showCurrentTrajectory();
    /// Fills the run chooser for a trajectory and returns the run to show: the user's choice if the
    /// trajectory has it, else the newest finished run, else the newest.
    std::optional<int64_t> chooseAnalysisRun(int64_t trajectoryId);
    void newProject();
    void rememberRecentProject(const QString& path);
    void fillRecentProjects();
    void chooseTrajectoryExport();
    void chooseProject();
    void importDataset();
    void verifyAnswers();
    void evaluatePolicy();
    void analyzeTrajectories();
    /// gpo analyze on the newest analysis run: resume it, or refine it (`more` rollouts where unclear).
    void continueAnalysis(bool refine);
    void showRollouts(int64_t trajectoryId, int64_t runId, int prefix);
    void refreshHeatmap();
    /// gpo analyze's selection options for the current filters.
    QStringList filterArguments() const;
    /// Runs `gpo ARGS` as a child process with its progress in the status bar; `done` gets its result.
    void runGpo(const QString& title, const QStringList& args, std::function<void(const QJsonObject&)> done);
    void showJobEvent(const QJsonObject& event);
    /// Samples the demo policy into the demo project unless its answers are there already.
    void completeDemoProject();
    void showError(const QString& title, const QString& message);
    void newStudy();
    void chooseStudyPackExport();
    void chooseStudyPacksToMerge();
    void importDatasetLabels();
    /// Annotation keys (j, k, digits) belong to the Annotate tab while it is shown.
    void updateKeyOwnership();
    void updateStatus();
    /// The Runs tab, the Training menu and the trajectory view's "trained on" panel (main_window_runs).
    void buildRunsTab();
    void buildTrainingMenu();

    Registry& registry_;
    std::unique_ptr<Project> project_;
    TrajectoryTableModel* model_;
    TrajectoryView* view_;
    ValuePlot* valuePlot_;
    QWidget* runBar_;
    QComboBox* runChoice_;
    /// The analysis run the user chose to see; kept for the next trajectories that have it.
    std::optional<int64_t> chosenRun_;
    AdvantageHeatmap* heatmap_;
    AnnotationPanel* annotate_;
    AgreementDashboard* dashboard_;
    RunsPanel* runs_ = nullptr;
    QString quitNotice_;
    TrajectoryLineage* lineage_ = nullptr;
    QAction* nextTrajectory_ = nullptr;
    QAction* previousTrajectory_ = nullptr;
    QTabWidget* tabs_;
    QMenu* recentMenu_ = nullptr;
    QSplitter* splitter_;
    QElapsedTimer heatmapRefreshed_;
    QTableView* table_;
    QComboBox* datasetFilter_;
    QComboBox* verdictFilter_;
    QLineEdit* textFilter_;
    QLabel* countLabel_;
    QLabel* projectLabel_;
    QTimer* filterDelay_;
    JobTracker loadJob_;
    JobTracker writeJob_;
    JobTracker heatmapJob_;
    GpoProcess* job_;
    QLabel* jobLabel_;
    QProgressBar* jobProgress_;
    QWidget* jobBar_;
    QString jobTitle_;
    std::function<void(const QJsonObject&)> jobDone_;
    bool loading_ = false;
    int total_ = 0;
};

} // namespace gpo::ui
