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
    /// What hovering over prefix h shows (for tests); empty when there is no estimate there.
    QString readoutAt(int prefix) const { return readout(prefix); }
    /// The legend's entries, in order (for tests).
    QStringList legendNames() const;

protected:
    void mouseMoveEvent(QMouseEvent* event) override;

private:
    /// The read-out for prefix h: V with its interval and k, and the advantage of the step after it.
    QString readout(int prefix) const;

    std::vector<StepEstimate> estimates_;
    QCPGraph* errorKey_; ///< legend entries for the two marker lines (no data of their own)
    QCPGraph* pickKey_;
    QCPGraph* low_;
    QCPGraph* high_;
    QCPGraph* value_;
    QCPItemStraightLine* errorLine_;
    QCPItemStraightLine* pickLine_;
};

} // namespace gpo::ui
