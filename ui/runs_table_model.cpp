#include "runs_table_model.h"

#include <QColor>
#include <QDateTime>
#include <cmath>

namespace gpo::ui {
namespace {

QString timeText(const std::string& iso) {
    if (iso.empty()) return {};
    QDateTime t = QDateTime::fromString(QString::fromStdString(iso), Qt::ISODateWithMs);
    if (!t.isValid()) return QString::fromStdString(iso);
    t = t.toLocalTime();
    return t.date() == QDate::currentDate() ? t.toString(QStringLiteral("HH:mm:ss"))
                                            : t.toString(QStringLiteral("yyyy-MM-dd HH:mm"));
}

QColor stateColour(const std::string& state) {
    if (state == "running" || state == "running elsewhere") return {37, 99, 235};
    if (state == "done") return {21, 128, 61};
    if (state == "failed") return {185, 28, 28};
    if (state == "stopped" || state == "cancelled") return {180, 83, 9};
    return {100, 100, 100};
}

} // namespace

QString RunsTableModel::resumeText(const RunOverview& o) {
    if (!o.checkpointStep)
        return o.step > 0 ? tr("It has no checkpoint yet: Resume starts it again from step 0 (steps 1–%1 are "
                               "trained again).")
                                .arg(o.step)
                          : tr("It has no checkpoint yet: Resume starts it from step 0.");
    if (o.step > *o.checkpointStep)
        return tr("Resume starts from its checkpoint at step %1; steps %2–%3 are trained again.")
            .arg(*o.checkpointStep)
            .arg(*o.checkpointStep + 1)
            .arg(o.step);
    return tr("Resume starts from its checkpoint at step %1.").arg(*o.checkpointStep);
}

QString RunsTableModel::durationText(double seconds) {
    const auto s = static_cast<int64_t>(std::llround(std::max(0.0, seconds)));
    if (s >= 3600) return tr("%1 h %2 min").arg(s / 3600).arg((s % 3600) / 60, 2, 10, QLatin1Char('0'));
    if (s >= 60) return tr("%1 min %2 s").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
    return tr("%1 s").arg(s);
}

bool RunsTableModel::setRuns(std::vector<RunOverview> runs) {
    bool same = runs.size() == runs_.size();
    for (size_t i = 0; same && i < runs.size(); ++i)
        same = runs[i].run.id == runs_[i].run.id;
    if (!same) {
        beginResetModel();
        runs_ = std::move(runs);
        endResetModel();
        return true;
    }
    runs_ = std::move(runs);
    if (!runs_.empty()) emit dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
    return false;
}

void RunsTableModel::setColours(std::map<int64_t, QColor> colours) {
    colours_ = std::move(colours);
    if (!runs_.empty()) emit dataChanged(index(0, Name), index(rowCount() - 1, Name), {Qt::DecorationRole});
}

int RunsTableModel::rowOf(int64_t runId) const {
    for (size_t i = 0; i < runs_.size(); ++i)
        if (runs_[i].run.id == runId) return static_cast<int>(i);
    return -1;
}

int RunsTableModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(runs_.size());
}

int RunsTableModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RunsTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    static const char* names[] = {"ID",   "Name",      "Kind",        "State",   "Policy", "Device",
                                  "Step", "Time left", "Best pass@1", "Started", "Ended"};
    return tr(names[section]);
}

QVariant RunsTableModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid()) return {};
    const RunOverview& o = runs_[static_cast<size_t>(index.row())];
    if (role == Qt::ForegroundRole && index.column() == State) return stateColour(o.run.state);
    if (role == Qt::DecorationRole && index.column() == Name) {
        const auto it = colours_.find(o.run.id);
        if (it != colours_.end()) return it->second; // its curves' colour
        return {};
    }
    if (role == Qt::ToolTipRole) {
        QStringList lines;
        if (!o.run.error.empty()) lines << QString::fromStdString(o.run.error);
        if (o.run.pid && !o.run.host.empty()) {
            if (o.run.state == "stopped")
                lines << tr("Its process (%1 on %2) has ended without finishing it.")
                             .arg(*o.run.pid)
                             .arg(QString::fromStdString(o.run.host));
            else if (o.run.state.rfind("running", 0) == 0)
                lines
                    << tr("Run by process %1 on %2.").arg(*o.run.pid).arg(QString::fromStdString(o.run.host));
        }
        if (o.run.resumable() && o.run.kind == "training") lines << resumeText(o);
        if (o.bestStep) lines << tr("eval/pass@1 was best at step %1.").arg(*o.bestStep);
        return lines.isEmpty() ? QVariant() : QVariant(lines.join(QLatin1Char('\n')));
    }
    if (role == Qt::TextAlignmentRole &&
        (index.column() == Id || index.column() == Progress || index.column() == Best))
        return int(Qt::AlignRight | Qt::AlignVCenter);
    if (role != Qt::DisplayRole) return {};
    switch (index.column()) {
    case Id:
        return QVariant::fromValue(o.run.id);
    case Name:
        return QString::fromStdString(o.run.name);
    case Algorithm:
        return QString::fromStdString(o.algorithm);
    case State:
        return QString::fromStdString(
            o.run.slurmJob.empty() ? o.run.state : o.run.state + " (Slurm " + o.run.slurmJob + ")");
    case Policy:
        return QString::fromStdString(o.policy);
    case Device:
        return QString::fromStdString(o.device);
    case Progress:
        if (o.run.kind != "training") return {};
        if (const std::string p = o.preparing(); !p.empty()) return QString::fromStdString(p);
        return o.totalSteps ? QStringLiteral("%1 / %2").arg(o.step).arg(*o.totalSteps)
                            : QString::number(o.step);
    case Eta:
        return o.etaSeconds ? durationText(*o.etaSeconds) : QString();
    case Best:
        return o.bestPassAt1 ? QString::number(*o.bestPassAt1, 'f', 3) : QString();
    case Started:
        return timeText(o.run.startedAt);
    case Ended:
        return timeText(o.run.finishedAt);
    default:
        return {};
    }
}

} // namespace gpo::ui
