#include "advantage_heatmap.h"

#include "util/text.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QMouseEvent>
#include <QToolTip>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
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
    orderBox_->addItem(tr("by pick position (%1)").arg(QString::fromLatin1(kPickSelector)),
                       static_cast<int>(Order::Pick));
    orderBox_->addItem(tr("by largest value drop"), static_cast<int>(Order::ValueDrop));
    connect(orderBox_, &QComboBox::currentIndexChanged, this,
            [this] { setOrder(static_cast<Order>(orderBox_->currentData().toInt())); });
    summary_ = new QLabel(this);
    summary_->setWordWrap(true); // never widen the tab past the list beside it
    summary_->setMinimumWidth(120);
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
    plot_->yAxis->setLabel(tr("trajectory"));
    plot_->yAxis->setRangeReversed(true);
    // Cells past a trajectory's last step are transparent over this hatch: "no such step", never A = 0.
    plot_->axisRect()->setBackground(QBrush(QColor(148, 163, 184), Qt::BDiagPattern));
    plot_->setMouseTracking(true);
    plot_->installEventFilter(this);
    empty_ = new QLabel(tr("No analysed trajectory in the list.\nAnalysis → Analyze Trajectories in List… "
                           "(Ctrl+R) computes the values and advantages shown here."),
                        this);
    empty_->setAlignment(Qt::AlignCenter);
    empty_->setStyleSheet(QStringLiteral("color:#6b7280; font-size:13px"));
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
    layout->addWidget(empty_, 1);
}

bool AdvantageHeatmap::eventFilter(QObject* watched, QEvent* event) {
    if (watched == plot_ && event->type() == QEvent::MouseMove) {
        const auto* e = static_cast<QMouseEvent*>(event);
        double x = 0, y = 0;
        map_->pixelsToCoords(e->pos(), x, y);
        const QString text = cellText(static_cast<int>(std::lround(y)), static_cast<int>(std::lround(x)) - 1);
        if (text.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(e->globalPosition().toPoint(), text, plot_);
    }
    return QWidget::eventFilter(watched, event);
}

QString AdvantageHeatmap::cellText(int row, int step) const {
    if (row < 0 || row >= static_cast<int>(rows_.size()) || step < 0) return {};
    const HeatmapRow& r = rows_[static_cast<size_t>(row)];
    const QString who = tr("trajectory %1 (%2)").arg(r.trajectoryId).arg(QString::fromStdString(r.dataset));
    if (step >= static_cast<int>(r.advantages.size()))
        return tr("%1\nno step %2: it has %3")
            .arg(who)
            .arg(step + 1)
            .arg(QString::fromStdString(text::counted(static_cast<int64_t>(r.advantages.size()), "step")));
    const auto& a = r.advantages[static_cast<size_t>(step)];
    QString text =
        tr("%1, step %2\nA = %3").arg(who).arg(step + 1).arg(a ? QString::asprintf("%+.2f", *a) : tr("–"));
    if (static_cast<size_t>(step) < r.values.size())
        text += tr("\nV before it = %1 (k = %2)")
                    .arg(r.values[static_cast<size_t>(step)], 0, 'f', 2)
                    .arg(r.rollouts[static_cast<size_t>(step)]);
    if (r.pick && *r.pick == step) text += tr("\n★ %1's pick").arg(QString::fromLatin1(kPickSelector));
    return text;
}

QString AdvantageHeatmap::rowLabel(int row) const {
    if (row < 0 || row >= static_cast<int>(rows_.size())) return {};
    const HeatmapRow& r = rows_[static_cast<size_t>(row)];
    return QStringLiteral("%1 · %2").arg(r.trajectoryId).arg(QString::fromStdString(r.dataset));
}

std::vector<HeatmapRow> AdvantageHeatmap::readRows(Project& project, const std::vector<int64_t>& ids) {
    std::vector<HeatmapRow> rows;
    std::unordered_set<int64_t> analysed; // one query instead of one per unanalysed trajectory
    auto st = project.db().prepare("SELECT DISTINCT trajectory_id FROM critical_picks");
    while (st.step())
        analysed.insert(st.columnInt(0));
    auto dataset =
        project.db().prepare("SELECT d.name FROM trajectories t JOIN problems p ON p.id = t.problem_id"
                             " JOIN datasets d ON d.id = p.dataset_id WHERE t.id = ?");
    for (int64_t id : ids) {
        if (rows.size() >= kMaxRows) break;
        if (!analysed.count(id)) continue;
        const auto run = latestAnalysisRunFor(project, id);
        if (!run) continue;
        const auto a = loadAnalysis(project, *run, id);
        if (!a || a->estimates.empty()) continue;
        HeatmapRow row;
        row.trajectoryId = id;
        dataset.bind(1, id);
        if (dataset.step()) row.dataset = dataset.columnText(0);
        dataset.reset();
        const auto steps = static_cast<size_t>(a->estimates.back().step);
        row.advantages.resize(steps);
        row.values.resize(steps, 0.0);
        row.rollouts.resize(steps, 0);
        for (const auto& e : a->estimates) {
            if (e.step >= static_cast<int>(steps)) continue;
            row.values[static_cast<size_t>(e.step)] = e.value;
            row.rollouts[static_cast<size_t>(e.step)] = e.k;
            if (e.advantage) {
                row.advantages[static_cast<size_t>(e.step)] = e.advantage;
                row.worstDrop = std::min(row.worstDrop, *e.advantage);
            }
        }
        if (const auto it = a->picks.find(kPickSelector); it != a->picks.end()) row.pick = it->second;
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
    // A tick for every step when there are few; rows named by trajectory and dataset when they fit.
    QSharedPointer<QCPAxisTickerFixed> steps(new QCPAxisTickerFixed);
    steps->setTickStep(cols <= 20 ? 1.0 : cols <= 60 ? 5.0 : 10.0);
    steps->setScaleStrategy(QCPAxisTickerFixed::ssNone);
    plot_->xAxis->setTicker(steps);
    const int readableRows = std::max(1, plot_->axisRect()->height() / 14);
    if (!rows_.empty() && static_cast<int>(rows_.size()) <= std::max(readableRows, 40)) {
        QSharedPointer<QCPAxisTickerText> names(new QCPAxisTickerText);
        for (int y = 0; y < static_cast<int>(rows_.size()); ++y)
            names->addTick(y, rowLabel(y));
        plot_->yAxis->setTicker(names);
        plot_->yAxis->setLabel(QString());
    } else {
        QSharedPointer<QCPAxisTickerFixed> numbers(new QCPAxisTickerFixed);
        numbers->setTickStep(1.0);
        numbers->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
        plot_->yAxis->setTicker(numbers);
        plot_->yAxis->setLabel(tr("row (hover for the trajectory)"));
    }
    plot_->setVisible(!rows_.empty());
    empty_->setVisible(rows_.empty());
    summary_->setText(
        rows_.empty()
            ? QString()
            : tr("%1 analysed · hatched: no such step · hover: values · click: open").arg(rows_.size()));
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
