#pragma once
// The experiment's comparison (gpo experiment): held-out pass@1 per method with its 95% interval over
// problems and seeds, as a chart beside its table, read from the experiment.json it writes.
#include <QWidget>
#include <nlohmann/json.hpp>

class QCustomPlot;
class QLabel;
class QTableWidget;

namespace gpo::ui {

class ExperimentView : public QWidget {
    Q_OBJECT
public:
    explicit ExperimentView(QWidget* parent = nullptr);
    /// Shows the summary of an experiment.json; false (with the reason shown) when it cannot be read.
    bool showFile(const QString& path);
    /// Shows a summary (experiment.json's "summary": one object per method).
    void showSummary(const nlohmann::json& summary);
    QCustomPlot* chart() const { return plot_; }
    QTableWidget* table() const { return table_; }

private:
    QLabel* note_;
    QCustomPlot* plot_;
    QTableWidget* table_;
};

} // namespace gpo::ui
