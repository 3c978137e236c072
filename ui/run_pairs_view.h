#pragma once
// The pairs a run trained on, traced back: for each, the failed trajectory, the critical step its prompt
// was cut at (with the selector that picked it), the steps people picked in that trajectory, and the
// chosen and rejected continuations. Double-click opens the trajectory at its critical step, where the
// rollouts behind the pick are.
#include "store/run_lineage.h"

#include <QWidget>

class QLabel;
class QPlainTextEdit;
class QTableWidget;

namespace gpo::ui {

class RunPairsView : public QWidget {
    Q_OBJECT
public:
    explicit RunPairsView(QWidget* parent = nullptr);
    /// Shows the pairs of a run (read from the project); `limit` pairs at most.
    void showRun(Project& project, int64_t runId, int64_t limit = 2000);
    void clear();
    QTableWidget* table() const { return table_; }
    const std::vector<TracedPair>& pairs() const { return pairs_; }

signals:
    /// Open a trajectory at a step (0-based).
    void trajectoryActivated(int64_t trajectoryId, int step);

private:
    void showPair(int row);

    std::vector<TracedPair> pairs_;
    QLabel* summary_;
    QTableWidget* table_;
    QPlainTextEdit* text_;
};

} // namespace gpo::ui
