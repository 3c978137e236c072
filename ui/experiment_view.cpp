#include "experiment_view.h"

#include "qcustomplot.h"
#include "record_table.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QTableWidget>
#include <QVBoxLayout>
#include <fstream>

namespace gpo::ui {

ExperimentView::ExperimentView(QWidget* parent) : QWidget(parent) {
    note_ = new QLabel(this);
    note_->setWordWrap(true);
    plot_ = new QCustomPlot(this);
    plot_->setMinimumSize(360, 260);
    table_ = makeRecordTable(
        {tr("Method"), tr("Seeds"), tr("pass@1"), tr("95% interval"), tr("Sampled tokens")}, this);
    auto* body = new QHBoxLayout;
    body->addWidget(plot_, 3);
    body->addWidget(table_, 2);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(note_);
    layout->addLayout(body, 1);
}

bool ExperimentView::showFile(const QString& path) {
    std::ifstream in(path.toStdString());
    const nlohmann::json j = in ? nlohmann::json::parse(in, nullptr, false) : nlohmann::json();
    if (!j.is_object() || !j.contains("summary")) {
        showSummary(nlohmann::json::array());
        note_->setText(in ? tr("%1 holds no experiment summary").arg(path)
                          : tr("No results yet: %1 is written when the experiment finishes").arg(path));
        return false;
    }
    showSummary(j["summary"]);
    note_->setText(tr("Held-out pass@1 per method, 95% intervals over problems and seeds (%1)").arg(path));
    return true;
}

void ExperimentView::showSummary(const nlohmann::json& summary) {
    plot_->clearPlottables();
    table_->setRowCount(0);
    if (!summary.is_array() || summary.empty()) {
        plot_->replot();
        return;
    }
    QVector<double> ticks, values, low, high;
    QVector<QString> labels;
    table_->setRowCount(static_cast<int>(summary.size()));
    int row = 0;
    for (const auto& s : summary) {
        const double p = s.value("pass_at_1", 0.0);
        const auto ci = s.value("ci", nlohmann::json());
        const bool hasCi = ci.is_array() && ci.size() == 2;
        ticks << row + 1;
        values << p;
        labels << QString::fromStdString(s.value("method", std::string()));
        low << (hasCi ? p - ci[0].get<double>() : 0);
        high << (hasCi ? ci[1].get<double>() - p : 0);
        const QStringList cells = {
            labels.back(), QString::number(s.value("seeds", 0)), QString::number(p, 'f', 3),
            hasCi ? QStringLiteral("%1 – %2")
                        .arg(ci[0].get<double>(), 0, 'f', 3)
                        .arg(ci[1].get<double>(), 0, 'f', 3)
                  : QString(),
            s.contains("sampled_tokens") ? QString::number(s.value("sampled_tokens", 0.0), 'f', 0)
                                         : QString()};
        for (int c = 0; c < cells.size(); ++c)
            table_->setItem(row, c, new QTableWidgetItem(cells[c]));
        ++row;
    }
    auto* bars = new QCPBars(plot_->xAxis, plot_->yAxis);
    bars->setData(ticks, values);
    bars->setBrush(QColor(78, 121, 167, 170));
    bars->setPen(QPen(QColor(78, 121, 167)));
    bars->setWidth(0.6);
    auto* errors = new QCPErrorBars(plot_->xAxis, plot_->yAxis);
    errors->setDataPlottable(bars);
    errors->setData(low, high);
    errors->setPen(QPen(QColor(40, 40, 40), 1.5));
    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    ticker->addTicks(ticks, labels);
    plot_->xAxis->setTicker(ticker);
    plot_->xAxis->setTickLabelRotation(30);
    plot_->xAxis->setRange(0.4, ticks.size() + 0.6);
    plot_->yAxis->setLabel(tr("held-out pass@1"));
    double top = 0;
    for (int i = 0; i < values.size(); ++i)
        top = std::max(top, values[i] + high[i]);
    plot_->yAxis->setRange(0, std::min(1.0, top * 1.15 + 0.02));
    plot_->replot();
    table_->resizeColumnsToContents();
}

} // namespace gpo::ui
