#pragma once
// The Runs tab's list: every run of the project with its kind or algorithm, state, policy, device,
// progress (step of total, time left), best eval pass@1 and times. Refreshing keeps rows in place when
// the runs are the same (only their cells change), so a selection survives the periodic refresh.
#include "store/run_overview.h"

#include <QAbstractTableModel>
#include <QColor>
#include <map>
#include <vector>

namespace gpo::ui {

class RunsTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column {
        Id,
        Name,
        Algorithm,
        State,
        Policy,
        Device,
        Progress,
        Eta,
        Best,
        Started,
        Ended,
        ColumnCount
    };

    using QAbstractTableModel::QAbstractTableModel;
    /// Replaces the runs; true when the rows changed (a reset: the view's selection is gone).
    bool setRuns(std::vector<RunOverview> runs);
    /// The colours of the runs drawn in the curves (a swatch beside their names).
    void setColours(std::map<int64_t, QColor> colours);
    const RunOverview& run(int row) const { return runs_[static_cast<size_t>(row)]; }
    int rowOf(int64_t runId) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    /// "1 h 05 min", "3 min 20 s", "12 s".
    static QString durationText(double seconds);
    /// Where a resume of the run starts: "Resume starts from its checkpoint at step 50; steps 51–60 are
    /// trained again." (or from the start, with no checkpoint).
    static QString resumeText(const RunOverview& run);

private:
    std::vector<RunOverview> runs_;
    std::map<int64_t, QColor> colours_;
};

} // namespace gpo::ui
