// The main window's file-level chores: new and open projects, importing datasets, recent projects,
// exporting the listed trajectories, the keyboard-shortcuts page, and remembering the window's layout
// between sessions.
#include "data/input_files.h"
#include "import_dialog.h"
#include "main_window.h"
#include "store/exporter.h"
#include "store/importer.h"
#include "trajectory_table_model.h"
#include "util/text.h"

#include <QAction>
#include <QCloseEvent>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHeaderView>
#include <QMenu>
#include <QMessageBox>
#include <QSettings>
#include <QSplitter>
#include <QStatusBar>
#include <QTableView>
#include <fstream>

namespace gpo::ui {
namespace {

/// What an import of several files did: a line per file (its counts, or why it failed).
struct ImportOutcome {
    QStringList lines;
    int failed = 0;
};

} // namespace

void MainWindow::newProject() {
    QString path =
        QFileDialog::getSaveFileName(this, tr("New Project"), QString(), tr("GPO projects (*.gpo)"));
    if (path.isEmpty()) return;
    if (!path.endsWith(QLatin1String(".gpo"))) path += QLatin1String(".gpo");
    openProject(path, true);
}

void MainWindow::chooseProject() {
    const QString path =
        QFileDialog::getOpenFileName(this, tr("Open Project"), QString(),
                                     tr("GPO projects and study packs (*.gpo *.gpostudy);;All files (*)"));
    if (!path.isEmpty()) openProject(path);
}

void MainWindow::importDataset() {
    if (!project_ && !openDemoProject()) return;
    ImportDialog dialog(registry_, this);
    if (dialog.exec() != QDialog::Accepted) return;
    const auto paths = dialog.paths();
    const ImportOptions options = dialog.options();
    const std::string projectPath = project_->path();
    Registry* registry = &registry_;
    statusBar()->showMessage(tr("Importing…"));
    writeJob_.run<ImportOutcome>(
        [projectPath, paths, options, registry](const JobTracker::CancelFlag& cancelled) {
            auto project = Project::open(projectPath, OpenMode::Existing);
            Importer importer(project, *registry);
            // Each file is all-or-nothing on its own: a failing file is reported, and the others still go in.
            ImportOutcome outcome;
            // A folder stands for the format's files in it, each imported on its own.
            QStringList files;
            for (const QString& p : paths) {
                try {
                    for (const auto& f : inputFiles(p.toStdString(), registry->requireReader(options.format)))
                        files << QString::fromStdString(f);
                } catch (const std::exception& e) {
                    ++outcome.failed;
                    outcome.lines << QObject::tr("%1: FAILED: %2").arg(QFileInfo(p).fileName(), e.what());
                }
            }
            for (const QString& p : files) {
                if (cancelled->load()) break;
                try {
                    const auto r = importer.importPath(p.toStdString(), options);
                    auto counted = [](int64_t n, const char* noun, const char* plural = "") {
                        return QString::fromStdString(text::counted(n, noun, plural));
                    };
                    outcome.lines << QObject::tr("%1: %2; %3 and %4 added; %5 already present; %6 skipped")
                                         .arg(QFileInfo(p).fileName(), counted(r.records, "record"),
                                              counted(r.problemsAdded, "problem"),
                                              counted(r.trajectoriesAdded, "trajectory", "trajectories"))
                                         .arg(r.duplicates)
                                         .arg(r.skipped.size());
                    for (size_t i = 0; i < r.skipped.size() && i < 10; ++i)
                        outcome.lines << QStringLiteral("    ") + QString::fromStdString(r.skipped[i].what());
                } catch (const std::exception& e) {
                    ++outcome.failed;
                    outcome.lines << QObject::tr("%1: FAILED, nothing from it was stored: %2")
                                         .arg(QFileInfo(p).fileName(), QString::fromStdString(e.what()));
                }
            }
            return outcome;
        },
        [this](ImportOutcome outcome) {
            statusBar()->showMessage(outcome.failed
                                         ? tr("Import finished; %1 file(s) failed.").arg(outcome.failed)
                                         : tr("Import finished."),
                                     10000);
            refreshDatasets();
            reloadTrajectories();
            const QString summary = outcome.lines.join(QLatin1Char('\n'));
            if (outcome.failed)
                showError(tr("Import finished with errors"), summary);
            else if (!property("quiet").toBool())
                QMessageBox::information(this, tr("Import finished"), summary);
        },
        [this](const QString& error) {
            statusBar()->clearMessage();
            showError(tr("Import failed"), error);
        });
}

void MainWindow::restoreLayout() {
    const QSettings settings;
    if (const QByteArray g = settings.value(QStringLiteral("window/geometry")).toByteArray(); !g.isEmpty())
        restoreGeometry(g);
    if (const QByteArray s = settings.value(QStringLiteral("window/splitter")).toByteArray(); !s.isEmpty())
        splitter_->restoreState(s);
    if (const QByteArray h = settings.value(QStringLiteral("window/columns-v2")).toByteArray(); !h.isEmpty())
        table_->horizontalHeader()->restoreState(h);
    if (const QVariant tab = settings.value(QStringLiteral("window/tab")); tab.isValid())
        tabs_->setCurrentIndex(tab.toInt());
}

void MainWindow::closeEvent(QCloseEvent* event) {
    // Training runs are detached: they go on without the studio. Say so before it closes.
    if (const QStringList running = runs_->runningRuns(); !running.isEmpty()) {
        quitNotice_ = tr("%n run(s) go on after the studio closes: %1. Open this project again to follow "
                         "them, or stop them from the Runs tab.",
                         nullptr, static_cast<int>(running.size()))
                          .arg(running.join(QStringLiteral(", ")));
        if (!property("quiet").toBool() && QMessageBox::question(this, tr("Runs go on"), quitNotice_,
                                                                 QMessageBox::Close | QMessageBox::Cancel,
                                                                 QMessageBox::Close) != QMessageBox::Close) {
            event->ignore();
            return;
        }
    }
    // The window opens next time as the user left it.
    QSettings settings;
    settings.setValue(QStringLiteral("window/tab"), tabs_->currentIndex());
    runs_->saveState();
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
