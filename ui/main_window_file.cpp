// The main window's file-level chores: recent projects, exporting the listed trajectories, the
// keyboard-shortcuts page, and remembering the window's layout between sessions.
#include "main_window.h"
#include "store/exporter.h"
#include "trajectory_table_model.h"

#include <QAction>
#include <QCloseEvent>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHeaderView>
#include <QMenu>
#include <QSettings>
#include <QSplitter>
#include <QStatusBar>
#include <QTableView>
#include <fstream>

namespace gpo::ui {

void MainWindow::restoreLayout() {
    const QSettings settings;
    if (const QByteArray g = settings.value(QStringLiteral("window/geometry")).toByteArray(); !g.isEmpty())
        restoreGeometry(g);
    if (const QByteArray s = settings.value(QStringLiteral("window/splitter")).toByteArray(); !s.isEmpty())
        splitter_->restoreState(s);
    if (const QByteArray h = settings.value(QStringLiteral("window/columns-v2")).toByteArray(); !h.isEmpty())
        table_->horizontalHeader()->restoreState(h);
}

void MainWindow::closeEvent(QCloseEvent* event) {
    // The window opens next time as the user left it.
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/splitter"), splitter_->saveState());
    settings.setValue(QStringLiteral("window/columns-v2"), table_->horizontalHeader()->saveState());
    QMainWindow::closeEvent(event);
}

QStringList MainWindow::recentProjects() const {
    return QSettings().value(QStringLiteral("recentProjects")).toStringList();
}

void MainWindow::rememberRecentProject(const QString& path) {
    QStringList recent = recentProjects();
    recent.removeAll(path);
    recent.prepend(path);
    while (recent.size() > 8)
        recent.removeLast();
    QSettings().setValue(QStringLiteral("recentProjects"), recent);
}

void MainWindow::fillRecentProjects() {
    recentMenu_->clear();
    const QStringList recent = recentProjects();
    for (const QString& path : recent) {
        QAction* a =
            recentMenu_->addAction(QDir::toNativeSeparators(path), this, [this, path] { openProject(path); });
        a->setEnabled(QFileInfo::exists(path));
    }
    if (recent.isEmpty()) recentMenu_->addAction(tr("No recent projects"))->setEnabled(false);
}

QString MainWindow::shortcutsHtml() const {
    QString rows;
    for (const QAction* a : findChildren<QAction*>()) {
        if (a->shortcut().isEmpty()) continue;
        rows +=
            QStringLiteral("<tr><td><b>%1</b></td><td>%2</td></tr>")
                .arg(a->shortcut().toString(QKeySequence::NativeText).toHtmlEscaped(),
                     QString(a->text()).remove(QLatin1Char('&')).remove(QStringLiteral("…")).toHtmlEscaped());
    }
    return tr("<table cellspacing=6>%1</table><p><b>In the Annotate tab</b>: 1–9 pick that step; j/k or ↑/↓ "
              "move the "
              "cursor and Enter picks it; x: no single critical step; + / 0 / − rate the step at the cursor; "
              "Alt+1–5 confidence; → next, ← previous, s skip; Ctrl+Z undoes the last answer.</p>")
        .arg(rows);
}

void MainWindow::chooseTrajectoryExport() {
    if (!project_) return;
    QString path = QFileDialog::getSaveFileName(this, tr("Export Listed Trajectories"), QString(),
                                                tr("Re-importable JSONL (*.jsonl);;CSV (*.csv)"));
    if (path.isEmpty()) return;
    const QString error = exportListedTrajectories(path);
    if (!error.isEmpty()) showError(tr("Export"), error);
}

QString MainWindow::exportListedTrajectories(const QString& path) {
    if (!project_) return tr("no project is open");
    TrajectoryFilter filter;
    filter.ids = model_->ids();
    if (filter.ids.empty()) return tr("the list is empty");
    std::ofstream out(path.toStdString(), std::ios::binary | std::ios::trunc);
    if (!out) return tr("%1: cannot write").arg(path);
    try {
        const int64_t n = path.endsWith(QLatin1String(".csv"), Qt::CaseInsensitive)
                              ? exportCsv(*project_, filter, out)
                              : exportJsonl(*project_, filter, out);
        out.flush();
        if (!out) return tr("%1: write failed").arg(path);
        statusBar()->showMessage(tr("Exported %1 listed trajectories to %2 (as gpo export writes them).")
                                     .arg(n)
                                     .arg(QDir::toNativeSeparators(path)),
                                 15000);
        return {};
    } catch (const std::exception& e) {
        return QString::fromStdString(e.what());
    }
}

} // namespace gpo::ui
