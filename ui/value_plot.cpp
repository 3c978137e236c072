#include "value_plot.h"

namespace gpo::ui {

ValuePlot::ValuePlot(QWidget* parent) : QCustomPlot(parent) {
    low_ = addGraph();
    high_ = addGraph();
    value_ = addGraph();
    low_->setPen(Qt::NoPen);
    high_->setPen(Qt::NoPen);
    high_->setBrush(QColor(37, 99, 235, 45));
    high_->setChannelFillGraph(low_);
    value_->setPen(QPen(QColor(37, 99, 235), 2));
    value_->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, 6));
    value_->setName(tr("V(p_h)"));
    low_->removeFromLegend();
    high_->setName(tr("95% interval"));
    auto line = [this](const QColor& c, Qt::PenStyle style) {
        auto* l = new QCPItemStraightLine(this);
        l->setPen(QPen(c, 1.5, style));
        l->setVisible(false);
        return l;
    };
    errorLine_ = line(QColor(220, 38, 38), Qt::DashLine);
    pickLine_ = line(QColor(124, 58, 237), Qt::DotLine);
    xAxis->setLabel(tr("steps done (prefix p_h)"));
    yAxis->setLabel(tr("value V(p_h)"));
    yAxis->setRange(-0.02, 1.02);
    legend->setVisible(true);
    legend->setFont(QFont(font().family(), 8));
    axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
    setMinimumHeight(170);
    clearAnalysis();
}

void ValuePlot::showAnalysis(const TrajectoryAnalysis& a, int steps, std::optional<int> firstError,
                             std::optional<int> pick) {
    QVector<double> x, v, lo, hi;
    for (const auto& e : a.estimates) {
        x << e.step;
        v << e.value;
        lo << e.ciLow;
        hi << e.ciHigh;
    }
    value_->setData(x, v, true);
    low_->setData(x, lo, true);
    high_->setData(x, hi, true);
    // A step h lies between prefixes h and h+1.
    auto place = [](QCPItemStraightLine* line, std::optional<int> step) {
        line->setVisible(step && *step >= 0);
        if (step && *step >= 0) {
            line->point1->setCoords(*step + 0.5, 0);
            line->point2->setCoords(*step + 0.5, 1);
        }
    };
    place(errorLine_, firstError);
    place(pickLine_, pick);
    xAxis->setRange(-0.3, steps + 0.3);
    QSharedPointer<QCPAxisTickerFixed> ticker(new QCPAxisTickerFixed);
    ticker->setTickStep(steps > 20 ? 5 : 1);
    xAxis->setTicker(ticker);
    setToolTip(tr("Value after each number of steps; red dashes: labelled first error; purple dots: the "
                  "default selector's pick"));
    replot();
}

void ValuePlot::clearAnalysis() {
    value_->data()->clear();
    low_->data()->clear();
    high_->data()->clear();
    errorLine_->setVisible(false);
    pickLine_->setVisible(false);
    xAxis->setRange(0, 1);
    replot();
}

int ValuePlot::pointCount() const {
    return value_->dataCount();
}

} // namespace gpo::ui
