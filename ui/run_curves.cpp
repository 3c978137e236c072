#include "run_curves.h"

#include "store/project.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QPageSize>
#include <QPdfWriter>
#include <QScrollArea>
#include <QSlider>
#include <QStackedWidget>
#include <QSvgGenerator>
#include <QToolButton>
#include <QVBoxLayout>
#include <cmath>
#include <fstream>
#include <iomanip>
#include <set>

namespace gpo::ui {
namespace {

/// A CSV field, quoted when it holds a comma, a quote or a line break (RFC 4180).
std::string csvField(const std::string& s) {
    if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
    std::string out = "\"";
    for (char c : s) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + '"';
}

} // namespace
namespace {
constexpr int kGridColumns = 3;

/// "loss" first, then TRL's families in a reading order, then the rest alphabetically.
int familyRank(const QString& name) {
    if (name == QLatin1String("loss")) return 0;
    if (name.startsWith(QLatin1String("eval/"))) return 1;
    if (name.startsWith(QLatin1String("rewards/")) || name == QLatin1String("reward")) return 2;
    if (name.startsWith(QLatin1String("logps/")) || name.startsWith(QLatin1String("logits/"))) return 3;
    if (name.startsWith(QLatin1String("gpo/"))) return 4;
    return 5;
}
} // namespace

QColor RunCurves::runColour(size_t i) {
    // Tableau 10: distinct, and readable on white.
    static const QColor palette[] = {{78, 121, 167}, {242, 142, 43}, {225, 87, 89},   {118, 183, 178},
                                     {89, 161, 79},  {237, 201, 72}, {176, 122, 161}, {255, 157, 167},
                                     {156, 117, 95}, {186, 176, 172}};
    return palette[i % std::size(palette)];
}

RunCurves::RunCurves(QWidget* parent) : QWidget(parent) {
    metric_ = new QComboBox(this);
    metric_->setToolTip(tr("Every metric as a grid of small charts, or one metric large"));
    metric_->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    metric_->addItem(tr("All metrics"), QString());
    xAxis_ = new QComboBox(this);
    xAxis_->addItem(tr("Step"), static_cast<int>(XAxisKind::Step));
    xAxis_->addItem(tr("Relative time"), static_cast<int>(XAxisKind::RelativeTime));
    xAxis_->addItem(tr("Wall time"), static_cast<int>(XAxisKind::WallTime));
    xAxis_->setToolTip(tr("What the horizontal axis counts"));
    logY_ = new QCheckBox(tr("Log y"), this);
    smoothing_ = new QSlider(Qt::Horizontal, this);
    smoothing_->setRange(0, 99);
    smoothing_->setValue(static_cast<int>(std::lround(stats::kTensorBoardDefaultSmoothing * 100)));
    smoothing_->setFixedWidth(140);
    smoothing_->setToolTip(tr("TensorBoard's smoothing: a debiased exponential moving average; the raw curve "
                              "stays faint behind the smoothed one"));
    smoothingValue_ = new QLabel(this);
    smoothingValue_->setMinimumWidth(32);
    auto* reset = new QToolButton(this);
    reset->setText(tr("Reset zoom"));
    reset->setToolTip(tr("Fit every chart to its data (or double-click a large chart)"));
    auto* exportButton = new QToolButton(this);
    exportButton->setText(tr("Export"));
    exportButton->setPopupMode(QToolButton::InstantPopup);
    auto* exportMenu = new QMenu(exportButton);
    for (const auto& [kind, label] :
         {std::pair{"png", tr("Picture (PNG)…")}, std::pair{"svg", tr("Picture (SVG)…")},
          std::pair{"pdf", tr("Picture (PDF)…")}, std::pair{"csv", tr("Points (CSV)…")}}) {
        const QString k = QString::fromLatin1(kind);
        exportMenu->addAction(label, this, [this, k] {
            const QString path = QFileDialog::getSaveFileName(
                this, tr("Export curves"), QStringLiteral("curves.") + k, QStringLiteral("*.") + k);
            if (!path.isEmpty()) exportTo(k, path);
        });
    }
    exportButton->setMenu(exportMenu);

    auto* bar = new QHBoxLayout;
    bar->setContentsMargins(4, 2, 4, 2);
    bar->addWidget(new QLabel(tr("Metric"), this));
    bar->addWidget(metric_);
    bar->addSpacing(8);
    bar->addWidget(new QLabel(tr("X"), this));
    bar->addWidget(xAxis_);
    bar->addSpacing(8);
    bar->addWidget(logY_);
    bar->addSpacing(8);
    bar->addWidget(new QLabel(tr("Smoothing"), this));
    bar->addWidget(smoothing_);
    bar->addWidget(smoothingValue_);
    bar->addStretch(1);
    bar->addWidget(reset);
    bar->addWidget(exportButton);

    grid_ = new QWidget(this);
    gridLayout_ = new QGridLayout(grid_);
    gridLayout_->setContentsMargins(2, 2, 2, 2);
    gridLayout_->setSpacing(4);
    auto* scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setWidget(grid_);
    empty_ = new QLabel(tr("No metrics yet: select a run that has logged a step."), this);
    empty_->setAlignment(Qt::AlignCenter);
    largePage_ = new QWidget(this);
    auto* largeLayout = new QVBoxLayout(largePage_);
    largeLayout->setContentsMargins(0, 0, 0, 0);
    pages_ = new QStackedWidget(this);
    pages_->addWidget(empty_);
    pages_->addWidget(scroll);
    pages_->addWidget(largePage_);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addLayout(bar);
    layout->addWidget(pages_, 1);

    connect(metric_, &QComboBox::activated, this, [this] { showMetric(metric_->currentData().toString()); });
    connect(xAxis_, &QComboBox::currentIndexChanged, this, [this] {
        const auto kind = static_cast<XAxisKind>(xAxis_->currentData().toInt());
        applyToCharts([kind](MetricChart* c) { c->setXAxis(kind); });
    });
    connect(logY_, &QCheckBox::toggled, this,
            [this](bool on) { applyToCharts([on](MetricChart* c) { c->setLogY(on); }); });
    connect(smoothing_, &QSlider::valueChanged, this, [this] {
        smoothingValue_->setText(QString::number(smoothing(), 'f', 2));
        const double w = smoothing();
        applyToCharts([w](MetricChart* c) { c->setSmoothing(w); });
    });
    smoothingValue_->setText(QString::number(smoothing(), 'f', 2));
    connect(reset, &QToolButton::clicked, this,
            [this] { applyToCharts([](MetricChart* c) { c->resetView(); }); });
    timer_.setInterval(500);
    connect(&timer_, &QTimer::timeout, this, [this] { poll(); });
}

RunCurves::~RunCurves() = default;

double RunCurves::smoothing() const {
    return smoothing_->value() / 100.0;
}

void RunCurves::setProjectPath(const QString& path) {
    project_.reset();
    followers_.clear();
    if (!path.isEmpty()) project_ = std::make_unique<Project>(Project::open(path.toStdString()));
    setRuns({});
}

void RunCurves::setRuns(const std::vector<RunRef>& runs) {
    runs_ = runs;
    std::map<int64_t, std::unique_ptr<MetricFollower>> kept;
    for (const RunRef& r : runs_) {
        auto it = followers_.find(r.id);
        kept[r.id] = it != followers_.end() ? std::move(it->second) : std::make_unique<MetricFollower>(r.id);
    }
    followers_ = std::move(kept);
    if (project_)
        for (auto& [id, f] : followers_)
            f->poll(*project_);
    rebuildCharts();
}

QStringList RunCurves::metricNames() const {
    std::set<QString> names;
    for (const auto& [id, f] : followers_)
        for (const auto& [name, s] : f->series())
            names.insert(QString::fromStdString(name));
    QStringList out(names.begin(), names.end());
    std::stable_sort(out.begin(), out.end(), [](const QString& a, const QString& b) {
        return familyRank(a) != familyRank(b) ? familyRank(a) < familyRank(b) : a < b;
    });
    return out;
}

std::vector<MetricChart::Line> RunCurves::linesFor(const QString& metric) const {
    std::vector<MetricChart::Line> lines;
    const std::string name = metric.toStdString();
    for (size_t i = 0; i < runs_.size(); ++i) {
        const auto& f = followers_.at(runs_[i].id);
        const auto it = f->series().find(name);
        lines.push_back(
            {runs_[i].label, runColour(i), it != f->series().end() ? &it->second : nullptr, f->startTime()});
    }
    return lines;
}

void RunCurves::addChart(const QString& metric) {
    auto* chart = new MetricChart(metric, true, grid_);
    chart->setXAxis(static_cast<XAxisKind>(xAxis_->currentData().toInt()));
    chart->setLogY(logY_->isChecked());
    chart->setSmoothing(smoothing());
    chart->setLines(linesFor(metric));
    chart->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(chart, &QWidget::customContextMenuRequested, this, [this, chart] { chooseExport(chart); });
    connect(chart, &MetricChart::enlargeRequested, this, [this](const QString& m) {
        metric_->setCurrentIndex(metric_->findData(m));
        showMetric(m);
    });
    const int index = static_cast<int>(charts_.size());
    gridLayout_->addWidget(chart, index / kGridColumns, index % kGridColumns);
    charts_[metric] = chart;
}

void RunCurves::rebuildCharts() {
    for (auto& [name, chart] : charts_)
        delete chart;
    charts_.clear();
    const QStringList names = metricNames();
    for (const QString& name : names)
        addChart(name);
    const QString chosen = metric_->currentData().toString();
    metric_->clear();
    metric_->addItem(tr("All metrics"), QString());
    for (const QString& name : names)
        metric_->addItem(name, name);
    const int again = metric_->findData(chosen);
    metric_->setCurrentIndex(again >= 0 ? again : 0);
    showMetric(again >= 0 ? chosen : QString());
    for (auto& [id, f] : followers_)
        for (auto& [name, s] : f->series())
            s.markDrawn();
}

void RunCurves::showMetric(const QString& metric) {
    delete large_;
    large_ = nullptr;
    if (metric.isEmpty()) {
        pages_->setCurrentIndex(charts_.empty() ? 0 : 1);
        return;
    }
    large_ = new MetricChart(metric, false, largePage_);
    large_->setXAxis(static_cast<XAxisKind>(xAxis_->currentData().toInt()));
    large_->setLogY(logY_->isChecked());
    large_->setSmoothing(smoothing());
    large_->setLines(linesFor(metric));
    large_->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(large_, &QWidget::customContextMenuRequested, this, [this] { chooseExport(large_); });
    largePage_->layout()->addWidget(large_);
    pages_->setCurrentIndex(2);
}

void RunCurves::setEmptyText(const QString& text) {
    empty_->setText(text.isEmpty() ? tr("No metrics yet: select a run that has logged a step.") : text);
}

QString RunCurves::emptyText() const {
    return empty_->text();
}

size_t RunCurves::poll() {
    if (!project_) return 0;
    size_t read = 0;
    const size_t before = charts_.size();
    for (auto& [id, f] : followers_)
        read += f->poll(*project_);
    if (read == 0) return 0;
    // A metric seen for the first time gets its chart; the others append what is new.
    const QStringList names = metricNames();
    bool added = false;
    for (const QString& name : names)
        if (!charts_.count(name)) {
            added = true;
            break;
        }
    if (added) {
        rebuildCharts();
    } else {
        for (auto& [name, chart] : charts_)
            chart->refreshData();
        if (large_) large_->refreshData();
        for (auto& [id, f] : followers_)
            for (auto& [name, s] : f->series())
                s.markDrawn();
    }
    if (before == 0 && !charts_.empty() && !large_) pages_->setCurrentIndex(1);
    emit polled(read);
    return read;
}

void RunCurves::applyToCharts(const std::function<void(MetricChart*)>& f) {
    for (auto& [name, chart] : charts_)
        f(chart);
    if (large_) f(large_);
}

MetricChart* RunCurves::chart(const QString& metric) const {
    const auto it = charts_.find(metric);
    return it == charts_.end() ? nullptr : it->second;
}

int RunCurves::pointsDrawn() const {
    int n = 0;
    for (const auto& [name, chart] : charts_)
        n += chart->pointsDrawn();
    return n;
}

void RunCurves::chooseExport(MetricChart* chart) {
    QMenu menu(this);
    for (const char* kind : {"png", "svg", "pdf"}) {
        const QString k = QString::fromLatin1(kind);
        menu.addAction(tr("Export %1 as %2…").arg(chart->metric(), k.toUpper()), this, [this, chart, k] {
            QString file = chart->metric();
            file.replace(QLatin1Char('/'), QLatin1Char('_'));
            const QString path = QFileDialog::getSaveFileName(
                this, tr("Export chart"), file + QLatin1Char('.') + k, QStringLiteral("*.") + k);
            if (!path.isEmpty()) chart->exportPicture(k, path);
        });
    }
    menu.exec(QCursor::pos());
}

QString RunCurves::exportTo(const QString& kind, const QString& path) {
    if (kind == QLatin1String("csv")) {
        std::ofstream out(path.toStdString(), std::ios::binary | std::ios::trunc);
        if (!out) return tr("%1: cannot write").arg(path);
        // Values keep every digit a double has (17 significant), so a table re-read gives the same numbers.
        out << "run,run_name,metric,step,wall_time,value,smoothed\n" << std::setprecision(17);
        const QString only = large_ ? large_->metric() : QString();
        for (const RunRef& r : runs_)
            for (const auto& [name, s] : followers_.at(r.id)->series()) {
                if (!only.isEmpty() && QString::fromStdString(name) != only) continue;
                const auto smooth = stats::tensorBoardSmoothing(s.values, smoothing());
                const std::string runName = csvField((r.name.isEmpty() ? r.label : r.name).toStdString());
                for (size_t i = 0; i < s.size(); ++i) {
                    out << r.id << ',' << runName << ',' << csvField(name) << ',' << s.steps[i] << ',';
                    if (!std::isnan(s.wallTimes[i]))
                        out << std::fixed << std::setprecision(3) << s.wallTimes[i] << std::defaultfloat
                            << std::setprecision(17);
                    out << ',' << s.values[i] << ',' << smooth[i] << '\n';
                }
            }
        return out ? QString() : tr("%1: cannot write").arg(path);
    }
    if (large_) return large_->exportPicture(kind, path);
    return exportGrid(kind, path);
}

QString RunCurves::exportGrid(const QString& kind, const QString& path) {
    // The grid as one picture a paper can use: a legend of the runs (their colours and names) above
    // every chart in its grid place, drawn as vectors for SVG and PDF.
    std::vector<std::pair<QPoint, MetricChart*>> cells;
    for (int i = 0; i < gridLayout_->count(); ++i) {
        auto* chart = qobject_cast<MetricChart*>(gridLayout_->itemAt(i)->widget());
        if (!chart) continue;
        int row = 0, column = 0, rowSpan = 0, columnSpan = 0;
        gridLayout_->getItemPosition(i, &row, &column, &rowSpan, &columnSpan);
        cells.push_back({QPoint(column, row), chart});
    }
    if (cells.empty()) return tr("no metrics to export yet");
    constexpr int cellW = 420, cellH = 300, swatch = 12, legendRow = 22;
    int rows = 0;
    for (const auto& [at, chart] : cells)
        rows = std::max(rows, at.y() + 1);
    const int width = kGridColumns * cellW;
    const int legendRows = (static_cast<int>(runs_.size()) + 2) / 3;
    const int legendH = 8 + legendRows * legendRow;
    const int height = legendH + rows * cellH;
    auto paint = [&](QCPPainter& painter) {
        painter.fillRect(QRect(0, 0, width, height), Qt::white);
        QFont font = painter.font();
        font.setPointSize(10);
        painter.setFont(font);
        for (size_t i = 0; i < runs_.size(); ++i) {
            const int x = 8 + static_cast<int>(i % 3) * (width / 3),
                      y = 6 + static_cast<int>(i / 3) * legendRow;
            painter.fillRect(QRect(x, y + 3, swatch, swatch), runColour(i));
            painter.setPen(Qt::black);
            painter.drawText(QRect(x + swatch + 6, y, width / 3 - swatch - 14, legendRow),
                             Qt::AlignLeft | Qt::AlignVCenter, runs_[i].label);
        }
        for (const auto& [at, chart] : cells) {
            painter.save();
            painter.translate(at.x() * cellW, legendH + at.y() * cellH);
            chart->toPainter(&painter, cellW, cellH);
            painter.restore();
        }
    };
    bool ok = false;
    if (kind == QLatin1String("png")) {
        QImage image(width * 2, height * 2, QImage::Format_ARGB32);
        image.fill(Qt::white);
        QCPPainter painter(&image);
        painter.scale(2, 2); // twice the pixels: sharp in print
        paint(painter);
        painter.end();
        ok = image.save(path);
    } else if (kind == QLatin1String("svg")) {
        QSvgGenerator svg;
        svg.setFileName(path);
        svg.setSize(QSize(width, height));
        svg.setViewBox(QRect(0, 0, width, height));
        svg.setTitle(tr("Training curves"));
        QCPPainter painter;
        if (painter.begin(&svg)) {
            paint(painter);
            painter.end();
            ok = QFileInfo(path).size() > 0;
        }
    } else if (kind == QLatin1String("pdf")) {
        QPdfWriter pdf(path);
        pdf.setPageSize(QPageSize(QSizeF(width, height), QPageSize::Point));
        pdf.setPageMargins(QMarginsF(0, 0, 0, 0));
        pdf.setResolution(72);
        QCPPainter painter;
        if (painter.begin(&pdf)) {
            paint(painter);
            painter.end();
            ok = QFileInfo(path).size() > 0;
        }
    } else {
        return tr("unknown picture format '%1' (png, svg, pdf)").arg(kind);
    }
    return ok ? QString() : tr("%1: cannot write").arg(path);
}

void RunCurves::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    poll();
    timer_.start();
}

void RunCurves::hideEvent(QHideEvent* event) {
    QWidget::hideEvent(event);
    timer_.stop();
}

} // namespace gpo::ui
