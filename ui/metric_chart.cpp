#include "metric_chart.h"

#include <QFileInfo>
#include <QMouseEvent>
#include <QSvgGenerator>
#include <QToolTip>
#include <cmath>

namespace gpo::ui {

MetricChart::MetricChart(const QString& metric, bool compact, QWidget* parent)
    : QCustomPlot(parent), metric_(metric), compact_(compact) {
    setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    setNoAntialiasingOnDrag(true);
    setPlottingHint(QCP::phCacheLabels, true);
    plotLayout()->insertRow(0);
    auto* title = new QCPTextElement(this, metric, QFont(font().family(), compact ? 9 : 11, QFont::Bold));
    plotLayout()->addElement(0, 0, title);
    const QFont tickFont(font().family(), compact ? 7 : 9);
    xAxis->setTickLabelFont(tickFont);
    yAxis->setTickLabelFont(tickFont);
    if (!compact) {
        legend->setVisible(true);
        legend->setFont(QFont(font().family(), 8));
        legend->setBrush(QColor(255, 255, 255, 200));
        axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
    }
    setMinimumSize(compact ? QSize(260, 170) : QSize(400, 260));
    cursor_ = new QCPItemStraightLine(this);
    cursor_->setPen(QPen(QColor(120, 120, 120), 1, Qt::DotLine));
    cursor_->setVisible(false);
    // A drag or wheel zoom means the user chose the view: new points no longer refit it.
    connect(this, &QCustomPlot::mouseWheel, this, [this] { userMovedView_ = true; });
    connect(this, &QCustomPlot::mousePress, this, [this] { userMovedView_ = true; });
    setMouseTracking(true);
    applyStyle();
}

void MetricChart::setLines(std::vector<Line> lines) {
    clearGraphs();
    lines_ = std::move(lines);
    drawn_.assign(lines_.size(), Drawn{});
    for (size_t i = 0; i < lines_.size(); ++i) {
        Drawn& d = drawn_[i];
        d.raw = addGraph();
        d.smooth = addGraph();
        QColor faint = lines_[i].color;
        faint.setAlpha(60);
        d.raw->setPen(QPen(faint, 1));
        d.raw->removeFromLegend();
        d.smooth->setPen(QPen(lines_[i].color, compact_ ? 1.5 : 2));
        d.smooth->setName(lines_[i].label);
        d.smoother = stats::TensorBoardSmoother(smoothing_);
    }
    userMovedView_ = false;
    refreshData();
}

void MetricChart::setXAxis(XAxisKind kind) {
    if (kind == xKind_) return;
    xKind_ = kind;
    applyStyle();
    for (size_t i = 0; i < drawn_.size(); ++i)
        rebuild(i);
    refreshData(false);
    resetView();
}

void MetricChart::setLogY(bool log) {
    if (log == logY_) return;
    logY_ = log;
    applyStyle();
    resetView();
}

void MetricChart::setSmoothing(double weight) {
    smoothing_ = weight;
    for (size_t i = 0; i < drawn_.size(); ++i)
        rebuild(i);
    refreshData();
}

void MetricChart::applyStyle() {
    if (xKind_ == XAxisKind::WallTime) {
        auto ticker = QSharedPointer<QCPAxisTickerDateTime>::create();
        ticker->setDateTimeFormat(QStringLiteral("HH:mm:ss"));
        xAxis->setTicker(ticker);
    } else if (xKind_ == XAxisKind::RelativeTime) {
        auto ticker = QSharedPointer<QCPAxisTickerTime>::create();
        ticker->setTimeFormat(QStringLiteral("%h:%m:%s"));
        xAxis->setTicker(ticker);
    } else {
        // Steps are whole numbers: ticks at multiples of 1 (…, 5, 10, 15), never at 7.5.
        auto ticker = QSharedPointer<QCPAxisTickerFixed>::create();
        ticker->setTickStep(1.0);
        ticker->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
        xAxis->setTicker(ticker);
    }
    if (!compact_)
        xAxis->setLabel(xKind_ == XAxisKind::Step           ? tr("step")
                        : xKind_ == XAxisKind::RelativeTime ? tr("time since start")
                                                            : tr("wall time"));
    yAxis->setScaleType(logY_ ? QCPAxis::stLogarithmic : QCPAxis::stLinear);
    if (logY_)
        yAxis->setTicker(QSharedPointer<QCPAxisTickerLog>::create());
    else
        yAxis->setTicker(QSharedPointer<QCPAxisTicker>::create());
}

double MetricChart::keyOf(const Line& line, size_t i) const {
    const MetricSeries& s = *line.series;
    switch (xKind_) {
    case XAxisKind::Step:
        return static_cast<double>(s.steps[i]);
    case XAxisKind::RelativeTime:
        return s.wallTimes[i] - line.start.value_or(s.wallTimes[i]);
    case XAxisKind::WallTime:
        return s.wallTimes[i];
    }
    return 0;
}

void MetricChart::rebuild(size_t index) {
    Drawn& d = drawn_[index];
    d.raw->data()->clear();
    d.smooth->data()->clear();
    d.count = 0;
    d.smoother = stats::TensorBoardSmoother(smoothing_);
}

bool MetricChart::refreshData(bool replotNow) {
    bool changed = false;
    for (size_t i = 0; i < lines_.size(); ++i) {
        const MetricSeries* s = lines_[i].series;
        if (!s) continue;
        Drawn& d = drawn_[i];
        if (s->firstChanged < d.count) rebuild(i); // a rewritten step: the smoothing after it changes too
        if (d.count >= s->size()) continue;
        QVector<double> keys, raw, smooth;
        keys.reserve(static_cast<qsizetype>(s->size() - d.count));
        for (size_t k = d.count; k < s->size(); ++k) {
            const double key = keyOf(lines_[i], k);
            if (std::isnan(key)) continue; // no wall time recorded: it has no place on a time axis
            keys.push_back(key);
            raw.push_back(s->values[k]);
            smooth.push_back(d.smoother.push(s->values[k]));
        }
        d.raw->addData(keys, raw, xKind_ == XAxisKind::Step);
        d.smooth->addData(keys, smooth, xKind_ == XAxisKind::Step);
        d.raw->setVisible(smoothing_ > 0);
        d.count = s->size();
        // A run's first point is a line of one point, which draws nothing: mark the points until a
        // second one joins it.
        d.smooth->setScatterStyle(d.smooth->dataCount() == 1 ? QCPScatterStyle(QCPScatterStyle::ssDisc, 7)
                                                             : QCPScatterStyle());
        changed = true;
    }
    if (changed && !userMovedView_) {
        rescaleAxes(true);
        // Axes that fit one point: a span around it rather than a range of zero width.
        if (const QCPRange x = xAxis->range(); x.size() < 1e-9) {
            const double half = xKind_ == XAxisKind::Step ? 1.0 : 30.0; // a step, or half a minute
            xAxis->setRange(x.center() - half, x.center() + half);
        }
        if (!logY_) {
            const QCPRange r = yAxis->range();
            // A flat curve gets a band around its value, not a range of rounding errors.
            const double flat = std::max(1e-9, std::abs(r.center()) * 0.05);
            const double pad = r.size() > flat * 1e-3 ? r.size() * 0.05 : flat;
            yAxis->setRange(r.lower - pad, r.upper + pad);
        }
    }
    if (changed && replotNow) replot(rpQueuedReplot);
    return changed;
}

void MetricChart::resetView() {
    userMovedView_ = false;
    rescaleAxes(true);
    replot(rpQueuedReplot);
}

int MetricChart::pointsDrawn() const {
    int n = 0;
    for (const Drawn& d : drawn_)
        n += d.smooth->dataCount();
    return n;
}

QString MetricChart::readoutAt(double key) const {
    QStringList lines;
    for (size_t i = 0; i < lines_.size(); ++i) {
        const Drawn& d = drawn_[i];
        if (!lines_[i].series || d.smooth->dataCount() == 0) continue;
        // The point nearest the key: findBegin gives the one at or before it.
        auto it = d.smooth->data()->findBegin(key, false);
        auto next = it + 1;
        if (next != d.smooth->data()->constEnd() && std::abs(next->key - key) < std::abs(it->key - key))
            it = next;
        const auto index = static_cast<size_t>(it - d.smooth->data()->constBegin());
        const MetricSeries& s = *lines_[i].series;
        if (index >= s.size()) continue;
        const double rawValue = d.raw->data()->at(static_cast<int>(index))->value;
        lines << QStringLiteral("<span style='color:%1'>■</span> %2: step %3 · %4%5")
                     .arg(lines_[i].color.name(), lines_[i].label.toHtmlEscaped())
                     .arg(s.steps[index])
                     .arg(rawValue, 0, 'g', 5)
                     .arg(smoothing_ > 0 ? tr(" (smoothed %1)").arg(it->value, 0, 'g', 5) : QString());
    }
    if (lines.isEmpty()) return {};
    return QStringLiteral("<b>%1</b><br>").arg(metric_.toHtmlEscaped()) + lines.join(QStringLiteral("<br>"));
}

void MetricChart::mouseMoveEvent(QMouseEvent* event) {
    QCustomPlot::mouseMoveEvent(event);
    if (event->buttons() != Qt::NoButton) return; // dragging
    const double key = xAxis->pixelToCoord(event->position().x());
    const QString text = readoutAt(key);
    if (text.isEmpty()) {
        QToolTip::hideText();
        return;
    }
    cursor_->point1->setCoords(key, 0);
    cursor_->point2->setCoords(key, 1);
    cursor_->setVisible(true);
    replot(rpQueuedReplot);
    QToolTip::showText(event->globalPosition().toPoint(), text, this);
}

void MetricChart::leaveEvent(QEvent* event) {
    QCustomPlot::leaveEvent(event);
    cursor_->setVisible(false);
    replot(rpQueuedReplot);
}

void MetricChart::mouseDoubleClickEvent(QMouseEvent* event) {
    QCustomPlot::mouseDoubleClickEvent(event);
    if (compact_)
        emit enlargeRequested(metric_);
    else
        resetView();
}

QString MetricChart::exportPicture(const QString& kind, const QString& path, int width, int height) {
    cursor_->setVisible(false);
    bool ok = false;
    if (kind == QLatin1String("png")) {
        ok = savePng(path, width, height, 2.0);
    } else if (kind == QLatin1String("pdf")) {
        ok = savePdf(path, width, height);
    } else if (kind == QLatin1String("svg")) {
        QSvgGenerator svg;
        svg.setFileName(path);
        svg.setSize(QSize(width, height));
        svg.setViewBox(QRect(0, 0, width, height));
        svg.setTitle(metric_);
        QCPPainter painter;
        if (painter.begin(&svg)) {
            toPainter(&painter, width, height);
            painter.end();
            ok = QFileInfo(path).size() > 0;
        }
    } else {
        return tr("unknown picture format '%1' (png, svg, pdf)").arg(kind);
    }
    return ok ? QString() : tr("%1: cannot write").arg(path);
}

} // namespace gpo::ui
