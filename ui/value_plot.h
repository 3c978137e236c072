#pragma once
// The value curve of one analysed trajectory: V(p_h) after h steps with its 95% interval as a band, the
// labelled first error and the default selector's pick marked between the prefixes they separate.
#include "store/analysis.h"

#include <optional>
#include <qcustomplot.h>

namespace gpo::ui {

class ValuePlot : public QCustomPlot {
    Q_OBJECT
public:
    explicit ValuePlot(QWidget* parent = nullptr);
    /// `firstError`: the labelled first wrong step, if any; `pick`: the step a selector chose.
    void showAnalysis(const TrajectoryAnalysis& analysis, int steps, std::optional<int> firstError,
                      std::optional<int> pick);
    void clearAnalysis();
    /// Points on the value curve (for tests).
    int pointCount() const;

private:
    QCPGraph* low_;
    QCPGraph* high_;
    QCPGraph* value_;
    QCPItemStraightLine* errorLine_;
    QCPItemStraightLine* pickLine_;
};

} // namespace gpo::ui
