#pragma once
// The agreement dashboard: how people's critical-step picks compare with each selector's and with each
// other's, with 95% intervals; a histogram of (human − model) step offsets; tables per annotator, by
// dataset, by trajectory length and per trajectory (the paper's table); filters by study, dataset,
// length and annotator. Statistics are computed on a worker thread; everything exports (CSV, JSON,
// LaTeX, and the plot as PNG, SVG or PDF).
#include "job_tracker.h"

#include <QWidget>
#include <nlohmann/json.hpp>

class QComboBox;
class QLabel;
class QSpinBox;
class QTableWidget;
class QTabWidget;
class QCustomPlot;
class QCPBars;

namespace gpo::ui {

class AgreementDashboard : public QWidget {
    Q_OBJECT
public:
    explicit AgreementDashboard(QWidget* parent = nullptr);

    /// The project to report on (its path: the statistics run on their own connection). Nothing is
    /// computed until refresh().
    void setProjectPath(const QString& path);
    /// Refills the filter choices from the project and recomputes.
    void refresh();
    /// Recomputes with the current filters.
    void recompute();
    /// Writes the current report: "csv" (every statistic), "json", "latex", "annotations-csv",
    /// "annotations-json", or the histogram as "png", "svg" or "pdf". Returns an error text, empty on
    /// success.
    QString exportTo(const QString& kind, const QString& path);

    // For tests and scripting.
    const nlohmann::json& report() const { return report_; }
    bool isComputing() const { return computing_; }
    QComboBox* studyFilter() const { return study_; }
    QComboBox* annotatorFilter() const { return annotator_; }
    QComboBox* selectorChoice() const { return selector_; }
    QTableWidget* summaryTable() const { return summary_; }
    QCustomPlot* histogram() const { return plot_; }

signals:
    /// A report for the current filters is on screen.
    void computed();
    /// The user double-clicked a trajectory in the per-trajectory table.
    void trajectoryActivated(int64_t trajectoryId);

private:
    void buildLayout();
    void showReport();
    void showHistogram();
    void chooseExport();

    QString path_;
    nlohmann::json report_;
    bool computing_ = false;
    JobTracker job_;
    QComboBox* study_;
    QComboBox* dataset_;
    QComboBox* annotator_;
    QSpinBox* minSteps_;
    QSpinBox* maxSteps_;
    QComboBox* selector_;
    QLabel* status_;
    QTableWidget* summary_;
    QTableWidget* between_;
    QTabWidget* details_;
    QTableWidget* annotators_;
    QTableWidget* byDataset_;
    QTableWidget* byLength_;
    QTableWidget* perTrajectory_;
    QCustomPlot* plot_;
    QCPBars* bars_;
};

} // namespace gpo::ui
