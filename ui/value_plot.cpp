#include "value_plot.h"

#include "util/text.h"

#include <QMouseEvent>
#include <QToolTip>
#include <cmath>

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
    auto key = [this](const QColor& c, Qt::PenStyle style, const QString& name) {
        QCPGraph* g = addGraph();
        g->setPen(QPen(c, 1.5, style));
        g->setName(name);
        g->removeFromLegend();
        return g;
    };
    errorKey_ = key(QColor(220, 38, 38), Qt::DashLine, tr("labelled first error"));
    pickKey_ = key(QColor(124, 58, 237), Qt::DotLine, tr("pick (abs-advantage)"));
    xAxis->setLabel(tr("steps done (prefix p_h)"));
    yAxis->setLabel(tr("value V(p_h)"));
    yAxis->setRange(-0.02, 1.02);
    // The legend goes in a row of its own below the axes, so it never covers a value at 1.
    legend->setVisible(true);
    legend->setFont(QFont(font().family(), 8));
    legend->setFillOrder(QCPLegend::foColumnsFirst);
    legend->setBorderPen(Qt::NoPen);
    axisRect()->insetLayout()->take(legend);
    plotLayout()->addElement(1, 0, legend);
    plotLayout()->setRowStretchFactor(1, 0.001);
    setMouseTracking(true);
    setMinimumHeight(190);
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
    auto place = [](QCPItemStraightLine* line, std::optional<int> step, double shift) {
        line->setVisible(step && *step >= 0);
        if (step && *step >= 0) {
            line->point1->setCoords(*step + 0.5 + shift, 0);
            line->point2->setCoords(*step + 0.5 + shift, 1);
        }
    };
    // When the pick is the labelled error, the two lines stand side by side rather than one on the other.
    const bool same = firstError && pick && *firstError == *pick && *pick >= 0;
    place(errorLine_, firstError, same ? -0.06 : 0.0);
    place(pickLine_, pick, same ? 0.06 : 0.0);
    pickKey_->setName(same ? tr("pick (abs-advantage), at the labelled error") : tr("pick (abs-advantage)"));
    errorKey_->removeFromLegend();
    pickKey_->removeFromLegend();
    if (errorLine_->visible()) errorKey_->addToLegend();
    if (pickLine_->visible()) pickKey_->addToLegend();
    estimates_ = a.estimates;
    xAxis->setRange(-0.3, steps + 0.3);
    QSharedPointer<QCPAxisTickerFixed> ticker(new QCPAxisTickerFixed);
    ticker->setTickStep(steps > 20 ? 5 : 1);
    xAxis->setTicker(ticker);
    replot();
}

void ValuePlot::clearAnalysis() {
    estimates_.clear();
    errorKey_->removeFromLegend();
    pickKey_->removeFromLegend();
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

QStringList ValuePlot::legendNames() const {
    QStringList names;
    for (int i = 0; i < legend->itemCount(); ++i)
        if (auto* item = qobject_cast<QCPPlottableLegendItem*>(legend->item(i)))
            names << item->plottable()->name();
    return names;
}

QString ValuePlot::readout(int prefix) const {
    for (const auto& e : estimates_) {
        if (e.step != prefix) continue;
        QString text = tr("after %1: V = %2 [%3, %4], k = %5")
                           .arg(QString::fromStdString(text::counted(prefix, "step")))
                           .arg(e.value, 0, 'f', 2)
                           .arg(e.ciLow, 0, 'f', 2)
                           .arg(e.ciHigh, 0, 'f', 2)
                           .arg(e.k);
        if (e.advantage)
            text += tr("\nstep %1: A = %2").arg(prefix + 1).arg(QString::asprintf("%+.2f", *e.advantage));
        return text;
    }
    return {};
}

void ValuePlot::mouseMoveEvent(QMouseEvent* event) {
    QCustomPlot::mouseMoveEvent(event);
    if (estimates_.empty() || !axisRect()->rect().contains(event->pos())) {
        QToolTip::hideText();
        return;
    }
    const int prefix = static_cast<int>(std::lround(xAxis->pixelToCoord(event->pos().x())));
    const QString text = readout(prefix);
    if (text.isEmpty())
        QToolTip::hideText();
    else
        QToolTip::showText(event->globalPosition().toPoint(), text, this);
}

} // namespace gpo::ui
