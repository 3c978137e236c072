#pragma once
// One metric as curves, one per run, that grow while the runs write: the smoothed curve in the run's
// colour with the raw one faint behind it (TensorBoard's debiased EMA), x by step, relative or wall time,
// linear or log y, a hover read-out of every run's value at the pointer, zoom and pan (double-click
// resets). New points are appended to the graphs (a whole curve is rebuilt only when a resumed run
// rewrites its steps); QCustomPlot's adaptive sampling decimates what is drawn.
#include "qcustomplot.h"
#include "stats/smoothing.h"
#include "store/metric_follower.h"

#include <optional>
#include <vector>

namespace gpo::ui {

enum class XAxisKind { Step, RelativeTime, WallTime };

class MetricChart : public QCustomPlot {
    Q_OBJECT
public:
    struct Line {
        QString label;
        QColor color;
        const MetricSeries* series = nullptr; ///< owned by the caller; null: the run has no such metric yet
        std::optional<double> start;          ///< the run's first wall time (relative time's origin)
    };

    MetricChart(const QString& metric, bool compact, QWidget* parent = nullptr);

    const QString& metric() const { return metric_; }
    /// Replaces the runs shown (their graphs are rebuilt).
    void setLines(std::vector<Line> lines);
    void setXAxis(XAxisKind kind);
    void setLogY(bool log);
    void setSmoothing(double weight);
    /// Draws what the series gained since the last update; returns whether anything changed.
    bool refreshData(bool replotNow = true);
    /// Fits the axes to the data (what double-click does).
    void resetView();
    /// The read-out at a key: one line per run (label, step, value, smoothed). Empty where no run has data.
    QString readoutAt(double key) const;
    int pointsDrawn() const;
    /// Writes the chart as a picture: "png", "svg" or "pdf"; an error text or empty.
    QString exportPicture(const QString& kind, const QString& path, int width = 900, int height = 500);

signals:
    /// The user double-clicked a compact chart: show it large.
    void enlargeRequested(const QString& metric);

protected:
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;
    void leaveEvent(QEvent* event) override;

private:
    struct Drawn {
        QCPGraph* raw = nullptr;
        QCPGraph* smooth = nullptr;
        size_t count = 0;
        stats::TensorBoardSmoother smoother{0.0};
    };
    double keyOf(const Line& line, size_t i) const;
    void rebuild(size_t index);
    void applyStyle();

    QString metric_;
    bool compact_;
    std::vector<Line> lines_;
    std::vector<Drawn> drawn_;
    XAxisKind xKind_ = XAxisKind::Step;
    bool logY_ = false;
    double smoothing_ = stats::kTensorBoardDefaultSmoothing;
    bool userMovedView_ = false;
    QCPItemStraightLine* cursor_;
};

} // namespace gpo::ui
