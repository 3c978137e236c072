#pragma once
// The dataset heatmap: analysed trajectories (rows) × steps (columns), each cell coloured by the step's
// advantage on a diverging scale. Rows sort by trajectory, by the default selector's pick, or by the
// largest value drop; clicking a cell opens that trajectory at that step.
#include "store/analysis.h"

#include <QWidget>
#include <vector>

class QComboBox;
class QLabel;
class QCustomPlot;
class QCPColorMap;
class QMouseEvent;

namespace gpo::ui {

struct HeatmapRow {
    int64_t trajectoryId = 0;
    std::string dataset;
    std::vector<std::optional<double>> advantages; ///< one per step
    std::vector<double> values;                    ///< V(p_h) before each step
    std::vector<int64_t> rollouts;                 ///< k behind each of those values
    std::optional<int> pick;                       ///< the default selector's
    double worstDrop = 0;                          ///< the most negative advantage
};

class AdvantageHeatmap : public QWidget {
    Q_OBJECT
public:
    enum class Order { Trajectory, Pick, ValueDrop };
    explicit AdvantageHeatmap(QWidget* parent = nullptr);
    /// Rows for these trajectories from each one's newest analysis (those without one are left out), at
    /// most kMaxRows. Reads only the project: safe on a worker thread with its own connection.
    static std::vector<HeatmapRow> readRows(Project& project, const std::vector<int64_t>& ids);
    static constexpr size_t kMaxRows = 5000; ///< beyond this a heatmap shows nothing a person can read
    /// Shows these rows (in the current order).
    void setRows(std::vector<HeatmapRow> rows);
    void setOrder(Order order);
    const std::vector<HeatmapRow>& rows() const { return rows_; }
    QCustomPlot* plot() const { return plot_; }
    /// The trajectory and step under a point of the plot, if any (for clicks and tests).
    std::optional<std::pair<int64_t, int>> cellAt(const QPoint& pixel) const;
    /// What hovering over a cell shows: trajectory, step, A, V and k; "no such step" past its end.
    QString cellText(int row, int step) const;
    /// The label of row `row` on the vertical axis (for tests).
    QString rowLabel(int row) const;
    static constexpr const char* kPickSelector = "abs-advantage"; ///< whose pick "by pick position" sorts by

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

signals:
    void cellClicked(int64_t trajectoryId, int step);

private:
    void redraw();
    std::vector<HeatmapRow> rows_;
    Order order_ = Order::Trajectory;
    QComboBox* orderBox_;
    QLabel* summary_;
    QLabel* empty_; ///< shown instead of the plot when no listed trajectory is analysed
    QCustomPlot* plot_;
    QCPColorMap* map_;
};

} // namespace gpo::ui
