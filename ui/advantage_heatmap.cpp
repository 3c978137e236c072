#include "advantage_heatmap.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>
#include <algorithm>
#include <qcustomplot.h>
#include <unordered_set>

namespace gpo::ui {
namespace {

QCPColorGradient diverging() {
    QCPColorGradient g;
    g.clearColorStops();
    g.setColorStopAt(0.0, QColor(185, 28, 28));
    g.setColorStopAt(0.5, QColor(255, 255, 255));
    g.setColorStopAt(1.0, QColor(29, 78, 216));
    return g;
}

} // namespace

AdvantageHeatmap::AdvantageHeatmap(QWidget* parent) : QWidget(parent) {
    orderBox_ = new QComboBox(this);
    orderBox_->addItem(tr("by trajectory"), static_cast<int>(Order::Trajectory));
    orderBox_->addItem(tr("by pick position"), static_cast<int>(Order::Pick));
    orderBox_->addItem(tr("by largest value drop"), static_cast<int>(Order::ValueDrop));
    connect(orderBox_, &QComboBox::currentIndexChanged, this,
            [this] { setOrder(static_cast<Order>(orderBox_->currentData().toInt())); });
    summary_ = new QLabel(this);
    plot_ = new QCustomPlot(this);
    map_ = new QCPColorMap(plot_->xAxis, plot_->yAxis);
    auto* scale = new QCPColorScale(plot_);
    plot_->plotLayout()->addElement(0, 1, scale);
    scale->setLabel(tr("advantage A"));
    map_->setColorScale(scale);
    map_->setGradient(diverging());
    map_->setDataRange(QCPRange(-1, 1));
    map_->setInterpolate(false);
    plot_->xAxis->setLabel(tr("step"));
    plot_->yAxis->setLabel(tr("trajectory (row)"));
    plot_->yAxis->setRangeReversed(true);
    connect(plot_, &QCustomPlot::mousePress, this, [this](QMouseEvent* e) {
        if (const auto cell = cellAt(e->pos())) emit cellClicked(cell->first, cell->second);
    });

    auto* bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Rows"), this));
    bar->addWidget(orderBox_);
    bar->addWidget(summary_, 1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(bar);
    layout->addWidget(plot_, 1);
}

std::vector<HeatmapRow> AdvantageHeatmap::readRows(Project& project, const std::vector<int64_t>& ids) {
    std::vector<HeatmapRow> rows;
    std::unordered_set<int64_t> analysed; // one query instead of one per unanalysed trajectory
    auto st = project.db().prepare("SELECT DISTINCT trajectory_id FROM critical_picks");
    while (st.step())
        analysed.insert(st.columnInt(0));
    for (int64_t id : ids) {
        if (rows.size() >= kMaxRows) break;
        if (!analysed.count(id)) continue;
        const auto run = latestAnalysisRunFor(project, id);
        if (!run) continue;
        const auto a = loadAnalysis(project, *run, id);
        if (!a || a->estimates.empty()) continue;
        HeatmapRow row;
        row.trajectoryId = id;
        row.advantages.resize(static_cast<size_t>(a->estimates.back().step));
        for (const auto& e : a->estimates)
            if (e.advantage && e.step < static_cast<int>(row.advantages.size())) {
                row.advantages[static_cast<size_t>(e.step)] = e.advantage;
                row.worstDrop = std::min(row.worstDrop, *e.advantage);
            }
        if (const auto it = a->picks.find("abs-advantage"); it != a->picks.end()) row.pick = it->second;
        rows.push_back(std::move(row));
    }
    return rows;
}

void AdvantageHeatmap::setRows(std::vector<HeatmapRow> rows) {
    rows_ = std::move(rows);
    setOrder(order_);
}

void AdvantageHeatmap::setOrder(Order order) {
    order_ = order;
    auto key = [order](const HeatmapRow& r) -> std::pair<double, int64_t> {
        switch (order) {
        case Order::Pick:
            return {r.pick ? *r.pick : 1e9, r.trajectoryId};
        case Order::ValueDrop:
            return {r.worstDrop, r.trajectoryId};
        case Order::Trajectory:
            break;
        }
        return {0.0, r.trajectoryId};
    };
    std::stable_sort(rows_.begin(), rows_.end(),
                     [&](const HeatmapRow& a, const HeatmapRow& b) { return key(a) < key(b); });
    redraw();
}

void AdvantageHeatmap::redraw() {
    size_t width = 1;
    for (const auto& r : rows_)
        width = std::max(width, r.advantages.size());
    const int cols = static_cast<int>(width), rowCount = std::max<int>(1, static_cast<int>(rows_.size()));
    map_->data()->setSize(cols, rowCount);
    map_->data()->setRange(QCPRange(1, cols), QCPRange(0, rowCount - 1)); // steps numbered from 1, as shown
    for (int y = 0; y < rowCount; ++y)
        for (int x = 0; x < cols; ++x) {
            const bool known = y < static_cast<int>(rows_.size()) &&
                               x < static_cast<int>(rows_[static_cast<size_t>(y)].advantages.size()) &&
                               rows_[static_cast<size_t>(y)].advantages[static_cast<size_t>(x)];
            map_->data()->setCell(
                x, y, known ? *rows_[static_cast<size_t>(y)].advantages[static_cast<size_t>(x)] : 0.0);
            map_->data()->setAlpha(x, y, known ? 255 : 0); // no step there: transparent
        }
    plot_->xAxis->setRange(0.5, cols + 0.5);
    plot_->yAxis->setRange(-0.5, rowCount - 0.5);
    summary_->setText(rows_.empty()
                          ? tr("No analysed trajectory in the list: Analysis → Analyze Trajectories in List")
                          : tr("%1 analysed trajectories; click a cell to open it").arg(rows_.size()));
    plot_->replot();
}

std::optional<std::pair<int64_t, int>> AdvantageHeatmap::cellAt(const QPoint& pixel) const {
    double x = 0, y = 0;
    map_->pixelsToCoords(pixel, x, y);
    const int col = static_cast<int>(std::lround(x)) - 1, row = static_cast<int>(std::lround(y));
    if (row < 0 || row >= static_cast<int>(rows_.size())) return std::nullopt;
    const auto& r = rows_[static_cast<size_t>(row)];
    if (col < 0 || col >= static_cast<int>(r.advantages.size())) return std::nullopt;
    return std::make_pair(r.trajectoryId, col);
}

} // namespace gpo::ui
