#pragma once
// A run's metrics, or several runs' overlaid, as live curves: a grid of small charts (one per metric,
// every selected run in its own colour) or one metric large; x by step, relative or wall time; linear or
// log y; TensorBoard's smoothing on a slider. It follows the runs while they write, reading only new rows
// (MetricFollower) on its own connection to the project, a few times a second while it is shown.
#include "metric_chart.h"

#include <QTimer>
#include <QWidget>
#include <map>
#include <memory>

class QCheckBox;
class QComboBox;
class QGridLayout;
class QLabel;
class QSlider;
class QStackedWidget;

namespace gpo {
class Project;
}

namespace gpo::ui {

class RunCurves : public QWidget {
    Q_OBJECT
public:
    struct RunRef {
        int64_t id = 0;
        QString label; ///< in legends ("12 gpo-dpo")
        QString name;  ///< the run's name, for exported tables (empty: the label)
    };

    explicit RunCurves(QWidget* parent = nullptr);
    ~RunCurves() override;

    /// The project whose runs it shows (read on a connection of its own); empty: none.
    void setProjectPath(const QString& path);
    /// The runs to draw, in their colours' order.
    void setRuns(const std::vector<RunRef>& runs);
    const std::vector<RunRef>& runs() const { return runs_; }
    /// Reads what the runs recorded since the last poll and draws it; returns the points new or changed.
    size_t poll();
    /// What the curves area says while the selected runs have logged nothing (empty: the default).
    void setEmptyText(const QString& text);
    QString emptyText() const;
    /// How often it polls while shown (milliseconds).
    void setPollInterval(int ms) { timer_.setInterval(ms); }
    /// Every metric of the shown runs, sorted ("loss" first).
    QStringList metricNames() const;
    /// Shows one metric large; empty: the grid of every metric.
    void showMetric(const QString& metric);
    /// Writes the large chart (or the whole grid, with a legend of the runs) as "png", "svg" or "pdf", or
    /// the shown runs' points as "csv" (run id, run name, metric, step, wall time, value, smoothed; every
    /// digit). An error text, or empty.
    QString exportTo(const QString& kind, const QString& path);
    /// The colour of the i-th run.
    static QColor runColour(size_t i);

    // For tests and the live-curves benchmark.
    MetricChart* chart(const QString& metric) const;
    MetricChart* largeChart() const { return large_; }
    QComboBox* metricChoice() const { return metric_; }
    QComboBox* xAxisChoice() const { return xAxis_; }
    QCheckBox* logYChoice() const { return logY_; }
    QSlider* smoothingSlider() const { return smoothing_; }
    double smoothing() const;
    int pointsDrawn() const;

signals:
    void polled(size_t points);

protected:
    void showEvent(QShowEvent* event) override;
    void hideEvent(QHideEvent* event) override;

private:
    QString exportGrid(const QString& kind, const QString& path);
    void rebuildCharts();
    void addChart(const QString& metric);
    std::vector<MetricChart::Line> linesFor(const QString& metric) const;
    void applyToCharts(const std::function<void(MetricChart*)>& f);
    void chooseExport(MetricChart* chart);

    std::unique_ptr<Project> project_;
    std::vector<RunRef> runs_;
    std::map<int64_t, std::unique_ptr<MetricFollower>> followers_;
    std::map<QString, MetricChart*> charts_; ///< the grid's, by metric
    QComboBox* metric_;
    QComboBox* xAxis_;
    QCheckBox* logY_;
    QSlider* smoothing_;
    QLabel* smoothingValue_;
    QStackedWidget* pages_;
    QWidget* grid_;
    QGridLayout* gridLayout_;
    QLabel* empty_;
    MetricChart* large_ = nullptr;
    QWidget* largePage_;
    QTimer timer_;
};

} // namespace gpo::ui
