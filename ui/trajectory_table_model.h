#pragma once
// The trajectory browser's model: holds only the matching ids and fetches rows a page at a time, on
// demand, so 100k trajectories open instantly and scroll smoothly.
#include "store/queries.h"

#include <QAbstractTableModel>
#include <QHash>
#include <functional>

namespace gpo::ui {

class TrajectoryTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Id, Dataset, Source, Steps, Verdict, Analysed, Question, ColumnCount };
    static constexpr int kPageSize = 200;

    /// `rowSource` fetches rows for ids (on the GUI thread, from the project's connection).
    explicit TrajectoryTableModel(QObject* parent = nullptr);

    void setRowSource(std::function<std::vector<TrajectoryRow>(const std::vector<int64_t>&)> source);
    /// Replaces the rows with these trajectory ids (in order).
    void setIds(std::vector<int64_t> ids);
    void clear();

    int64_t idAt(int row) const;
    /// The ids of all rows, in order.
    const std::vector<int64_t>& ids() const { return ids_; }
    /// Row of a trajectory id, or -1.
    int rowOf(int64_t id) const;
    /// How many rows have been fetched so far (for tests of the laziness).
    int fetchedRows() const { return static_cast<int>(cache_.size()); }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    const TrajectoryRow* rowData(int row) const;

    std::vector<int64_t> ids_;
    std::function<std::vector<TrajectoryRow>(const std::vector<int64_t>&)> source_;
    mutable QHash<int, TrajectoryRow> cache_;
};

} // namespace gpo::ui
