#include "trajectory_table_model.h"

#include <QBrush>
#include <QColor>

namespace gpo::ui {

TrajectoryTableModel::TrajectoryTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void TrajectoryTableModel::setRowSource(
    std::function<std::vector<TrajectoryRow>(const std::vector<int64_t>&)> source) {
    source_ = std::move(source);
}

void TrajectoryTableModel::setIds(std::vector<int64_t> ids) {
    beginResetModel();
    ids_ = std::move(ids);
    cache_.clear();
    endResetModel();
}

void TrajectoryTableModel::clear() {
    setIds({});
}

int64_t TrajectoryTableModel::idAt(int row) const {
    return row >= 0 && static_cast<size_t>(row) < ids_.size() ? ids_[static_cast<size_t>(row)] : -1;
}

int TrajectoryTableModel::rowOf(int64_t id) const {
    for (size_t i = 0; i < ids_.size(); ++i)
        if (ids_[i] == id) return static_cast<int>(i);
    return -1;
}

int TrajectoryTableModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(ids_.size());
}

int TrajectoryTableModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

const TrajectoryRow* TrajectoryTableModel::rowData(int row) const {
    if (row < 0 || static_cast<size_t>(row) >= ids_.size()) return nullptr;
    auto it = cache_.constFind(row);
    if (it != cache_.constEnd()) return &it.value();
    if (!source_) return nullptr;
    // Fetch the whole page around this row in one go.
    const int first = row - row % kPageSize;
    const int last = std::min(static_cast<int>(ids_.size()), first + kPageSize);
    std::vector<int64_t> page(ids_.begin() + first, ids_.begin() + last);
    const auto rows = source_(page);
    size_t k = 0;
    for (int r = first; r < last && k < rows.size(); ++r)
        if (rows[k].id == ids_[static_cast<size_t>(r)]) cache_.insert(r, rows[k++]);
    it = cache_.constFind(row);
    return it != cache_.constEnd() ? &it.value() : nullptr;
}

QVariant TrajectoryTableModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid()) return {};
    const TrajectoryRow* r = rowData(index.row());
    if (!r) return {};
    if (role == Qt::DisplayRole || role == Qt::ToolTipRole) {
        switch (index.column()) {
        case Id:
            return QVariant::fromValue<qlonglong>(r->id);
        case Dataset:
            return QString::fromStdString(r->dataset);
        case Source:
            return QString::fromStdString(r->source);
        case Steps:
            return QVariant::fromValue<qlonglong>(r->steps);
        case Verdict:
            return !r->correct ? QStringLiteral("–") : *r->correct ? tr("right") : tr("wrong");
        case Analysed:
            if (role == Qt::ToolTipRole)
                return r->analyses ? tr("Analysed by %1 run(s): values, advantages and picks in the view")
                                         .arg(r->analyses)
                                   : tr("Not analysed yet");
            return r->analyses == 0   ? QString()
                   : r->analyses == 1 ? QStringLiteral("✓")
                                      : QStringLiteral("✓%1").arg(r->analyses);
        case Question:
            return QString::fromStdString(r->questionStart).simplified();
        default:
            return {};
        }
    }
    if (role == Qt::ForegroundRole && index.column() == Analysed) return QBrush(QColor(0x6d, 0x28, 0xd9));
    if (role == Qt::TextAlignmentRole && index.column() == Analysed) return QVariant(Qt::AlignCenter);
    if (role == Qt::ForegroundRole && index.column() == Verdict && r->correct)
        return QBrush(*r->correct ? QColor(0x15, 0x80, 0x3d) : QColor(0xb9, 0x1c, 0x1c));
    if (role == Qt::TextAlignmentRole && (index.column() == Id || index.column() == Steps))
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

QVariant TrajectoryTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (section) {
    case Id:
        return tr("Id");
    case Dataset:
        return tr("Dataset");
    case Source:
        return tr("Source");
    case Steps:
        return tr("Steps");
    case Verdict:
        return tr("Verdict");
    case Analysed:
        return tr("MC");
    case Question:
        return tr("Question");
    default:
        return {};
    }
}

} // namespace gpo::ui
