// The studio shell offscreen: the demo project, the lazy browser, filters, the trajectory view, keys.
#include "add_policy_dialog.h"
#include "advantage_heatmap.h"
#include "agreement_dashboard.h"
#include "analyze_dialog.h"
#include "annotation_panel.h"
#include "builtin.h"
#include "demo_project.h"
#include "gpo_process.h"
#include "import_dialog.h"
#include "main_window.h"
#include "plugins_dialog.h"
#include "rollouts_dialog.h"
#include "store/annotations.h"
#include "store/importer.h"
#include "store/label_import.h"
#include "store/project.h"
#include "store/runs.h"
#include "store/studies.h"
#include "trajectory_table_model.h"
#include "trajectory_view.h"
#include "value_plot.h"

#include <QAction>
#include <QComboBox>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QToolButton>
#include <QTreeWidget>
#include <QtTest>

using namespace gpo;

class TestStudio : public QObject {
    Q_OBJECT
    std::unique_ptr<Registry> registry_;
    QTemporaryDir dir_;

    /// With GPO_TEST_SCREENSHOTS=DIR, saves a picture of a widget there, to look at what users see.
    static void keepPicture(QWidget* widget, const char* name) {
        const QString dir = qEnvironmentVariable("GPO_TEST_SCREENSHOTS");
        if (!dir.isEmpty()) widget->grab().save(dir + "/" + name + ".png");
    }

    static bool waitLoaded(ui::MainWindow& w) {
        QSignalSpy spy(&w, &ui::MainWindow::trajectoriesLoaded);
        return !w.isLoading() || spy.wait(20000);
    }

    /// Opens the suite's demo project quietly, its list showing one dataset.
    bool openFiltered(ui::MainWindow& w, const char* dataset) {
        w.setProperty("quiet", true);
        if (!w.openProject(dir_.filePath("demo.gpo")) || !waitLoaded(w)) return false;
        w.datasetFilter()->setCurrentIndex(w.datasetFilter()->findData(QString::fromLatin1(dataset)));
        return waitLoaded(w);
    }

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        registry_ = plugins::standardRegistry();
    }

    // Help > Plugins lists what loaded and what was refused, as gpo plugins does; About names the engine.
    void pluginsDialogListsLoadedAndRefused() {
        Registry r;
        r.registerPlugin("builtin", &plugins::registerBuiltins);
        r.loadPluginFolders(GPO_BAD_PLUGIN_DIR);
        ui::PluginsDialog dialog(r, {QStringLiteral(GPO_BAD_PLUGIN_DIR)});
        QTreeWidget* tree = dialog.tree();
        QCOMPARE(tree->topLevelItemCount(), 5); // builtin + four refused
        QCOMPARE(tree->topLevelItem(0)->text(0), QString("builtin"));
        QCOMPARE(tree->topLevelItem(0)->child(0)->text(0), QString("formats"));
        QVERIFY(tree->topLevelItem(0)->child(0)->text(2).startsWith("gsm8k, math"));
        QCOMPARE(tree->topLevelItem(3)->text(0), QString("libgpo_bad_plugin_3.so"));
        QCOMPARE(tree->topLevelItem(3)->text(1), QString("refused"));
        QVERIFY(tree->topLevelItem(3)->text(2).startsWith("crashed in its entry point (signal 11"));
        dialog.show();
        if (qEnvironmentVariableIsSet("GPO_SCREENSHOTS"))
            dialog.grab().save(qEnvironmentVariable("GPO_SCREENSHOTS") + "/plugins.png");
        const QString about = ui::MainWindow::aboutHtml();
        // The engine's own words (Debian's 1.13 or a wheel's 2.x), from `gpo --version`.
        QVERIFY2(about.contains(QRegularExpression("LibTorch [12]\\.[0-9]+\\.[0-9]+, CUDA ")),
                 qPrintable(about));
        QVERIFY(about.contains("Plugin API version 2"));
    }
    void importTakesAFolderOfEveryFormat() {
        ui::ImportDialog d(*registry_);
        auto* format = d.findChild<QComboBox*>();
        QVERIFY(format);
        QPushButton* folder = nullptr;
        for (auto* b : d.findChildren<QPushButton*>())
            if (b->text().startsWith(QStringLiteral("Add Folder"))) folder = b;
        QVERIFY(folder);
        d.show();
        for (int i = 0; i < format->count(); ++i) {
            format->setCurrentIndex(i);
            QVERIFY2(folder->isVisible(), qPrintable(format->currentText()));
        }
        if (const QByteArray out = qgetenv("GPO_SCREENSHOT_DIR"); !out.isEmpty())
            d.grab().save(QString::fromUtf8(out) + QStringLiteral("/import-dialog.png"));
    }

    void demoProjectOpens() {
        const QString demo = dir_.filePath("demo.gpo");
        ui::ensureDemoProject(demo, *registry_);
        ui::MainWindow w(*registry_);
        w.setProperty("quiet", true);
        QSignalSpy spy(&w, &ui::MainWindow::trajectoriesLoaded);
        QVERIFY(w.openProject(demo));
        QVERIFY(spy.wait(20000));
        QCOMPARE(w.trajectoryModel()->rowCount(), 112); // 60 GSM8K + 49 MATH + 3 MATH-500
        QVERIFY(w.trajectoryView()->trajectoryId().has_value());
        QVERIFY(w.trajectoryView()->stepCount() > 0);
        QVERIFY(w.trajectoryView()->toPlainText().contains(QStringLiteral("right")));
    }

    // Long work runs as a gpo child process read as a JSON-lines stream.
    void gpoChildProcessStreamsProgress() {
        const QString demo = dir_.filePath("demo.gpo");
        ui::GpoProcess job;
        QSignalSpy events(&job, &ui::GpoProcess::event), finished(&job, &ui::GpoProcess::finished);
        job.start({"demo", "--project", demo, "--train", "5", "--test", "8", "--eval-problems", "4",
                   "--samples", "2"});
        QVERIFY(finished.wait(120000));
        QVERIFY2(finished[0][0].toBool(), qPrintable(finished[0][2].toString()));
        const QJsonObject result = finished[0][1].toJsonObject();
        QCOMPARE(result["eval"].toObject()["problems"].toInt(), 4);
        QVERIFY(events.size() >= 3); // stages and progress before the result
        job.start({"eval", "--project", demo, "--dataset", "nosuch"});
        QVERIFY(finished.wait(60000));
        QCOMPARE(finished[1][0].toBool(), false);
        QVERIFY2(finished[1][2].toString().contains("nosuch"), qPrintable(finished[1][2].toString()));
    }

    // The kill that follows a Stop belongs to the stopped command: it never reaches the next one (Stop,
    // then Resume within the grace period, used to kill the resumed job).
    void stopKillNeverReachesTheNextJob() {
        ui::GpoProcess job;
        job.setStopGrace(3000);
        QSignalSpy finished(&job, &ui::GpoProcess::finished);
        // A long command with no project: training the demo policy for far more steps than it gets.
        const QStringList longJob = {
            "demo-policy", "--out", dir_.filePath("grace-policy"), "--steps", "1000000", "--eval", "0"};
        job.start(longJob);
        QTRY_VERIFY_WITH_TIMEOUT(job.isRunning(), 20000);
        QTest::qWait(300);
        job.cancel();
        QVERIFY(finished.wait(60000));
        job.start(longJob); // at once, as Resume right after Stop does
        QTest::qWait(4500); // past the first command's grace period
        QVERIFY2(job.isRunning(), "the stop of the first command killed the second");
        QCOMPARE(finished.size(), 1);
        job.cancel();
        QVERIFY(finished.wait(60000));
        QVERIFY(job.stopRequested());
    }

    void evaluateFromTheMenu() {
        ui::MainWindow w(*registry_);
        QVERIFY(openFiltered(w, "demo-test"));
        QAction* evaluate = nullptr;
        for (QAction* a : w.findChildren<QAction*>())
            if (a->text().contains("Evaluate Default Policy")) evaluate = a;
        QVERIFY(evaluate);
        evaluate->trigger();
        QVERIFY(w.isRunningJob());
        QTRY_VERIFY_WITH_TIMEOUT(!w.isRunningJob(), 120000);
        QTRY_VERIFY_WITH_TIMEOUT(w.statusBar()->currentMessage().contains("pass@1"), 20000);
        QVERIFY(w.statusBar()->currentMessage().contains("over 8 problems"));
    }

    // Project → Add Policy Checkpoint… says what gpo found in the folder, or why it refused it.
    void addPolicyCheckpointShowsWhatItFound() {
        const QString demo = dir_.filePath("policies.gpo"); // its own project: the demo's keeps its policies
        Project::open(demo.toStdString(), OpenMode::Create);
        ui::AddPolicyDialog dialog(demo);
        QSignalSpy added(&dialog, &ui::AddPolicyDialog::policyAdded);
        dialog.setFolder(QStringLiteral(GPO_FIXTURES "/reference/trl/model"));
        dialog.add();
        QVERIFY(added.wait(60000));
        QCOMPARE(added.first().first().toString(), QStringLiteral("model")); // named after the folder
        QVERIFY2(dialog.report().contains("tokenizer     byte-level BPE"), qPrintable(dialog.report()));
        QVERIFY(dialog.report().contains("Question: What is 3 + 4?"));
        dialog.show();
        keepPicture(&dialog, "add_policy_checkpoint");
        // A folder that is not a checkpoint: refused, saying why, and nothing registered.
        ui::AddPolicyDialog refused(demo);
        refused.setFolder(QStringLiteral(GPO_FIXTURES "/tokenizers/qwen3"));
        QSignalSpy again(&refused, &ui::AddPolicyDialog::policyAdded);
        refused.add();
        QTRY_VERIFY_WITH_TIMEOUT(!refused.report().isEmpty(), 60000);
        QVERIFY(!refused.added() && again.isEmpty());
        QVERIFY2(refused.report().contains("config.json"), qPrintable(refused.report()));
        refused.show();
        keepPicture(&refused, "add_policy_refused");
    }

    void stoppingAJobIsNotAFailure() {
        ui::MainWindow w(*registry_);
        QVERIFY(openFiltered(w, "demo-train"));
        for (QAction* a : w.findChildren<QAction*>())
            if (a->text().contains("Evaluate Default Policy")) a->trigger();
        QVERIFY(w.isRunningJob());
        QToolButton* stop = nullptr;
        for (QToolButton* b : w.findChildren<QToolButton*>())
            if (b->text() == "Stop") stop = b;
        QVERIFY(stop);
        stop->click();
        QTRY_VERIFY_WITH_TIMEOUT(!w.isRunningJob(), 120000);
        // Reported as stopped, not as a failure (an error would put its own text in the status bar).
        QTRY_VERIFY_WITH_TIMEOUT(
            w.statusBar()->currentMessage().contains("stopped; what it finished is kept"), 20000);
    }

    void analysisFromTheStudio() {
        ui::MainWindow w(*registry_);
        QVERIFY(openFiltered(w, "demo-test"));
        w.verdictFilter()->setCurrentIndex(
            w.verdictFilter()->findData(static_cast<int>(Correctness::Incorrect)));
        QVERIFY(waitLoaded(w));
        const int listed = w.trajectoryModel()->rowCount();
        QVERIFY(listed >= 8); // the planted errors at least
        w.analyzeList({"--rollouts", "2", "--max-tokens", "64"});
        QVERIFY(w.isRunningJob());
        QTRY_VERIFY_WITH_TIMEOUT(!w.isRunningJob(), 120000);
        QTRY_VERIFY_WITH_TIMEOUT(w.statusBar()->currentMessage().contains("Analysis done"), 20000);
        QVERIFY2(w.statusBar()->currentMessage().contains(QString("%1 trajectories").arg(listed)),
                 qPrintable(w.statusBar()->currentMessage()));
        // The trajectory view shows the values, advantages and picks; the plot its value curve.
        w.trajectoryTable()->selectRow(0);
        QTRY_VERIFY(w.trajectoryView()->analysisRun().has_value());
        QVERIFY(w.trajectoryView()->toPlainText().contains("2 rollouts"));
        QVERIFY(w.valuePlot()->isVisibleTo(&w));
        QCOMPARE(w.valuePlot()->pointCount(), w.trajectoryView()->stepCount() + 1);
        // The rollouts behind a step are one click away.
        emit w.trajectoryView()->rolloutsRequested(*w.trajectoryView()->trajectoryId(),
                                                   *w.trajectoryView()->analysisRun(), 1);
        auto dialogs = w.findChildren<ui::RolloutsDialog*>();
        QCOMPARE(dialogs.size(), 1);
        QCOMPARE(dialogs.front()->table()->rowCount(), 2);
        keepPicture(dialogs.front(), "rollouts-dialog");
        // The launch dialog's settings become gpo analyze options.
        ui::AnalyzeDialog settings(*registry_, "the 8 trajectories in the list");
        settings.rollouts()->setValue(6);
        const QStringList args = settings.arguments();
        QCOMPARE(args.mid(0, 2), (QStringList{"--rollouts", "6"}));
        QVERIFY(args.contains("abs-advantage,max-advantage,max-value-prefix,random,threshold,binary-search"));
        keepPicture(&settings, "analyze-dialog");
        // The heatmap has a row per analysed trajectory; a click opens that trajectory at that step.
        QSignalSpy heatmapLoaded(&w, &ui::MainWindow::heatmapLoaded);
        w.viewTabs()->setCurrentWidget(w.heatmap()); // read on a worker thread
        QVERIFY(heatmapLoaded.wait(20000));
        QCOMPARE(static_cast<int>(w.heatmap()->rows().size()), listed);
        const auto& last = w.heatmap()->rows().back();
        w.heatmap()->setOrder(ui::AdvantageHeatmap::Order::ValueDrop);
        QVERIFY(w.heatmap()->rows().front().worstDrop <= w.heatmap()->rows().back().worstDrop);
        w.show(); // the plot needs its real geometry to map pixels to cells
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        w.heatmap()->plot()->replot();
        QCPAxis* x = w.heatmap()->plot()->xAxis;
        QCPAxis* y = w.heatmap()->plot()->yAxis;
        const QPoint cell(static_cast<int>(x->coordToPixel(2)), static_cast<int>(y->coordToPixel(0)));
        const auto hit = w.heatmap()->cellAt(cell);
        QVERIFY(hit && hit->first == w.heatmap()->rows().front().trajectoryId && hit->second == 1);
        w.openTrajectoryAt(last.trajectoryId, 0);
        QCOMPARE(w.viewTabs()->currentIndex(), 0);
        QCOMPARE(*w.trajectoryView()->trajectoryId(), last.trajectoryId);
    }

    // The trajectory view shows the newest finished analysis, not a killed one, and lets the user choose.
    void viewChoosesTheAnalysisRun() {
        ui::MainWindow w(*registry_);
        QVERIFY(openFiltered(w, "demo-test"));
        w.verdictFilter()->setCurrentIndex(
            w.verdictFilter()->findData(static_cast<int>(Correctness::Incorrect)));
        QVERIFY(waitLoaded(w));
        QComboBox* runs = w.analysisRunChoice();
        int row = 0; // a planted error: the demo's analysis and the one the studio ran both have it
        for (; row < w.trajectoryModel()->rowCount(); ++row) {
            w.trajectoryTable()->selectRow(row);
            if (runs->count() >= 2) break;
        }
        QVERIFY(runs->count() >= 2);
        QVERIFY(w.trajectoryView()->analysisRun().has_value());
        const int64_t newest = runs->itemData(0).toLongLong();
        const int64_t older = runs->itemData(1).toLongLong();
        QCOMPARE(*w.trajectoryView()->analysisRun(), newest);
        {
            // As if the newest run's process had been killed: marked running, by a process that is gone.
            Project p = Project::open(dir_.filePath("demo.gpo").toStdString());
            p.db()
                .prepare("UPDATE runs SET status = 'running', pid = 999999999, host = ? WHERE id = ?")
                .bind(1, hostName())
                .bind(2, newest)
                .run();
        }
        w.trajectoryTable()->selectRow(row == 0 ? 1 : 0);
        w.trajectoryTable()->selectRow(row);
        QCOMPARE(*w.trajectoryView()->analysisRun(), older);
        QVERIFY2(runs->itemText(0).contains("stopped"), qPrintable(runs->itemText(0)));
        emit runs->activated(0); // the user asks for the stopped run anyway
        QCOMPARE(*w.trajectoryView()->analysisRun(), newest);
        Project p = Project::open(dir_.filePath("demo.gpo").toStdString());
        finishRun(p, newest, "done");
    }

    // Opening another project resets every view: no curve, heatmap or list of the one before.
    void viewsFollowTheProject() {
        ui::MainWindow w(*registry_);
        QVERIFY(openFiltered(w, "demo-test"));
        w.verdictFilter()->setCurrentIndex(
            w.verdictFilter()->findData(static_cast<int>(Correctness::Incorrect)));
        QVERIFY(waitLoaded(w));
        w.trajectoryTable()->selectRow(0);
        QTRY_VERIFY(w.trajectoryView()->analysisRun().has_value());
        QVERIFY(w.valuePlot()->pointCount() > 0);
        QSignalSpy heatmapLoaded(&w, &ui::MainWindow::heatmapLoaded);
        w.viewTabs()->setCurrentWidget(w.heatmap());
        QVERIFY(heatmapLoaded.wait(20000));
        QVERIFY(!w.heatmap()->rows().empty());
        const QString emptyPath = dir_.filePath("nothing-yet.gpo");
        { Project::open(emptyPath.toStdString(), OpenMode::Create); }
        QVERIFY(w.openProject(emptyPath));
        QVERIFY(waitLoaded(w));
        QCOMPARE(w.trajectoryModel()->rowCount(), 0);
        QVERIFY(!w.valuePlot()->isVisibleTo(&w));
        QCOMPARE(w.valuePlot()->pointCount(), 0);
        QVERIFY(!w.analysisRunChoice()->isVisibleTo(&w));
        QVERIFY(w.heatmap()->rows().empty());
        // Back to the demo project with the heatmap shown: it fills without leaving the tab.
        QVERIFY(w.openProject(dir_.filePath("demo.gpo")));
        QVERIFY(heatmapLoaded.wait(20000));
        QVERIFY(!w.heatmap()->rows().empty());
        QCOMPARE(w.viewTabs()->currentWidget(), w.heatmap());
    }

    // Plots a researcher can read: legends for every line, read-outs on hover, labelled heatmap rows.
    void plotsExplainThemselves() {
        ui::MainWindow w(*registry_);
        QVERIFY(openFiltered(w, "demo-test"));
        w.verdictFilter()->setCurrentIndex(
            w.verdictFilter()->findData(static_cast<int>(Correctness::Incorrect)));
        QVERIFY(waitLoaded(w));
        // The MC column marks analysed trajectories.
        const QModelIndex mc = w.trajectoryModel()->index(0, ui::TrajectoryTableModel::Analysed);
        QVERIFY(w.trajectoryModel()->data(mc, Qt::DisplayRole).toString().startsWith(QStringLiteral("✓")));
        QCOMPARE(w.trajectoryModel()
                     ->headerData(ui::TrajectoryTableModel::Analysed, Qt::Horizontal, Qt::DisplayRole)
                     .toString(),
                 QStringLiteral("MC"));
        // A planted error: its first error and the pick are both in the legend.
        for (int row = 0; row < w.trajectoryModel()->rowCount(); ++row) {
            w.trajectoryTable()->selectRow(row);
            if (w.valuePlot()->legendNames().contains("labelled first error")) break;
        }
        const QStringList legend = w.valuePlot()->legendNames();
        QVERIFY2(legend.contains("V(p_h)") && legend.contains("95% interval") &&
                     legend.contains("labelled first error"),
                 qPrintable(legend.join(", ")));
        const QString readout = w.valuePlot()->readoutAt(1);
        QVERIFY2(readout.contains("after 1 step: V = ") && readout.contains("k = ") &&
                     readout.contains("step 2: A = "),
                 qPrintable(readout));
        QVERIFY(w.valuePlot()->readoutAt(99).isEmpty());
        // Heatmap: rows named by trajectory and dataset, cells explained, "no such step" told apart.
        QSignalSpy heatmapLoaded(&w, &ui::MainWindow::heatmapLoaded);
        w.viewTabs()->setCurrentWidget(w.heatmap());
        QVERIFY(heatmapLoaded.wait(20000));
        const auto& first = w.heatmap()->rows().front();
        QCOMPARE(w.heatmap()->rowLabel(0), QStringLiteral("%1 · demo-test").arg(first.trajectoryId));
        const QString cell = w.heatmap()->cellText(0, 0);
        QVERIFY2(cell.contains("step 1") && cell.contains("A = ") && cell.contains("k = "), qPrintable(cell));
        QVERIFY(w.heatmap()->cellText(0, 60).contains("no step 61"));
        w.heatmap()->setRows({});
        QVERIFY(!w.heatmap()->plot()->isVisibleTo(w.heatmap()));
        // The analyze dialog says what a run will cost before it starts.
        ui::AnalyzeDialog dialog(*registry_, "two trajectories", nullptr, {3, 5}, {"demo-policy"});
        QCOMPARE(dialog.estimatedRollouts(), int64_t((3 + 5) * 4));
        QVERIFY(dialog.estimateText().contains("at most 32 rollouts"));
        keepPicture(&dialog, "analyze-dialog-cost");
    }

    // File → Recent Projects and the export of the listed trajectories.
    void recentProjectsAndExport() {
        ui::MainWindow w(*registry_);
        QVERIFY(openFiltered(w, "demo-test"));
        QCOMPARE(w.recentProjects().value(0), QFileInfo(dir_.filePath("demo.gpo")).absoluteFilePath());
        const QString out = dir_.filePath("listed.jsonl");
        QCOMPARE(w.exportListedTrajectories(out), QString());
        QFile f(out);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll().trimmed().split('\n').size(), w.trajectoryModel()->rowCount());
        QVERIFY(w.shortcutsHtml().contains("Ctrl+Z"));
    }

    // gpo-studio --help and --version answer without a display.
    void helpWithoutADisplay() {
        for (const char* option : {"--help", "--version"}) {
            QProcess studio;
            QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
            env.remove("DISPLAY");
            env.remove("WAYLAND_DISPLAY");
            env.insert("QT_QPA_PLATFORM", "xcb"); // a window would need a display that is not there
            studio.setProcessEnvironment(env);
            studio.start(QStringLiteral(GPO_STUDIO), {option});
            QVERIFY(studio.waitForFinished(30000));
            const QString out = QString::fromUtf8(studio.readAllStandardOutput());
            QCOMPARE(studio.exitCode(), 0);
            QVERIFY2(out.contains(option == std::string("--help") ? "--demo" : "0.1.0"), qPrintable(out));
        }
    }

    // Annotation mode on the analysed planted errors: keys, immediate commits, blind reveal, resuming.
    void annotationModeCommitsEveryAction() {
        ui::MainWindow w(*registry_);
        QVERIFY(openFiltered(w, "demo-test"));
        w.verdictFilter()->setCurrentIndex(
            w.verdictFilter()->findData(static_cast<int>(Correctness::Incorrect)));
        QVERIFY(waitLoaded(w));
        StudyConfig config = studyTemplate("critical-step");
        config.shuffle = false;
        QVERIFY(w.createStudyFromList("keys", config, 3));
        auto* panel = w.annotationPanel();
        QCOMPARE(w.viewTabs()->currentWidget(), panel);
        QVERIFY(!w.trajectoryTable()->isVisible() || !w.isVisible()); // the list stays out of sight
        QVERIFY(panel->start("keys", "tess"));
        QCOMPARE(panel->queueSize(), 3);
        QCOMPARE(panel->position(), 0);
        const int64_t first = *panel->currentTrajectory();
        QVERIFY(!panel->valuesShown()); // blind until answered
        Project other = Project::open(dir_.filePath("demo.gpo").toStdString(), OpenMode::ReadOnly);
        const int64_t tess = findAnnotator(other, "tess")->id;
        const int64_t study = requireStudy(other, "keys").id;
        auto stored = [&] { return loadAnnotation(other, tess, first, study); };
        QTest::keyClick(panel, Qt::Key_2);
        QCOMPARE(stored()->criticalStep.value(), 1); // committed at once: a crash now loses nothing
        QVERIFY(panel->valuesShown());
        QTest::keyClick(panel, Qt::Key_J);
        QCOMPARE(panel->cursor(), 2);
        QTest::keyClick(panel, Qt::Key_Return);
        QCOMPARE(stored()->criticalStep.value(), 2);
        QTest::keyClick(panel, Qt::Key_Minus); // the step at the cursor is bad
        QTest::keyClick(panel, Qt::Key_K);
        QTest::keyClick(panel, Qt::Key_Plus); // the one before it good
        QTest::keyClick(panel, Qt::Key_3, Qt::AltModifier);
        QVERIFY(stored()->stepLabels.at(2) == StepRating::Bad &&
                stored()->stepLabels.at(1) == StepRating::Good);
        QCOMPARE(stored()->confidence.value(), 3);
        panel->resize(1100, 640);
        keepPicture(panel, "annotate-answered");
        QTest::keyClick(panel, Qt::Key_X);
        QVERIFY(stored()->noSingleStep && !stored()->criticalStep);
        // Ctrl+Z takes the last action back, in the project too; again, it redoes nothing twice.
        QTest::keyClick(panel, Qt::Key_Z, Qt::ControlModifier);
        QVERIFY(!stored()->noSingleStep);
        QCOMPARE(stored()->criticalStep.value(), 2);
        QTest::keyClick(panel, Qt::Key_X);
        panel->setNote("no single step: the error is spread out");
        QCOMPARE(stored()->note, std::string("no single step: the error is spread out"));
        QTest::keyClick(panel, Qt::Key_Right);
        QCOMPARE(panel->position(), 1);
        QVERIFY(stored()->seconds > 0);
        QVERIFY(!panel->valuesShown());    // the next one is unanswered again
        QTest::keyClick(panel, Qt::Key_S); // skipped, and recorded as such
        QCOMPARE(panel->position(), 2);
        QTest::keyClick(panel, Qt::Key_1);
        keepPicture(panel, "annotate");
        QTest::keyClick(panel, Qt::Key_Left);
        QCOMPARE(panel->position(), 1);
        // Undo across trajectories: the pick of the third goes, and the panel goes back to it.
        QVERIFY(panel->undo());
        QCOMPARE(panel->position(), 2);
        QVERIFY(!panel->annotation().answered());
        QTest::keyClick(panel, Qt::Key_1);
        QTest::keyClick(panel, Qt::Key_Left);
        // In a shown window the list's j/k shortcuts stand aside while annotating.
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        w.activateWindow();
        panel->setFocus();
        const int row = w.trajectoryTable()->currentIndex().row();
        const int cursor = panel->cursor();
        QTest::keyClick(panel, Qt::Key_J);
        QCOMPARE(panel->cursor(), cursor + 1);
        QCOMPARE(w.trajectoryTable()->currentIndex().row(), row);
        // A new studio (after a crash, or the next day) resumes at the first unanswered, unskipped one.
        ui::MainWindow again(*registry_);
        QVERIFY(openFiltered(again, "demo-test"));
        QVERIFY(again.annotationPanel()->start("keys", "tess"));
        QCOMPARE(again.annotationPanel()->position(), 3); // all done
        const auto progress = studyProgress(other, requireStudy(other, "keys"), "tess");
        QCOMPARE(progress.answered, int64_t(2));
        QCOMPARE(progress.skipped, int64_t(1));
    }

    // Two studios on one project file, annotating at the same time, lose nothing.
    void twoStudiosShareOneProject() {
        ui::MainWindow a(*registry_), b(*registry_);
        QVERIFY(openFiltered(a, "demo-test"));
        QVERIFY(openFiltered(b, "demo-test"));
        QVERIFY(a.annotationPanel()->start("keys", "uma"));
        QVERIFY(b.annotationPanel()->start("keys", "vic"));
        for (int i = 0; i < 3; ++i) {
            QTest::keyClick(a.annotationPanel(), Qt::Key_1);
            QTest::keyClick(b.annotationPanel(), Qt::Key_2);
            QTest::keyClick(a.annotationPanel(), Qt::Key_Right);
            QTest::keyClick(b.annotationPanel(), Qt::Key_Right);
        }
        Project p = Project::open(dir_.filePath("demo.gpo").toStdString(), OpenMode::ReadOnly);
        QCOMPARE(studyProgress(p, requireStudy(p, "keys"), "uma").answered, int64_t(3));
        QCOMPARE(studyProgress(p, requireStudy(p, "keys"), "vic").answered, int64_t(3));
    }

    // A study pack goes to an annotator elsewhere, opens straight into its study, and merges back once.
    void studyPackRoundTrip() {
        const QString pack = dir_.filePath("wes.gpostudy");
        {
            ui::MainWindow home(*registry_);
            QVERIFY(openFiltered(home, "demo-test"));
            QCOMPARE(home.exportStudyPack("keys", "wes", pack), QString());
            QVERIFY(!home.exportStudyPack("keys", "wes", pack).isEmpty()); // never overwrites
        }
        {
            ui::MainWindow away(*registry_);
            away.setProperty("quiet", true);
            QVERIFY(away.openProject(pack));
            QCOMPARE(away.viewTabs()->currentWidget(), away.annotationPanel());
            QCOMPARE(away.annotationPanel()->queueSize(), 3);
            QVERIFY(!away.annotationPanel()->valuesShown()); // a blind study's pack holds no model values
            QTest::keyClick(away.annotationPanel(), Qt::Key_1);
            QTest::keyClick(away.annotationPanel(), Qt::Key_Right);
            QTest::keyClick(away.annotationPanel(), Qt::Key_2);
        }
        ui::MainWindow home(*registry_);
        QVERIFY(openFiltered(home, "demo-test"));
        QVERIFY2(home.mergeStudyPacks({pack}).contains("2 added"), qPrintable(home.mergeStudyPacks({pack})));
        QVERIFY(home.mergeStudyPacks({pack}).contains("0 added, 0 updated"));
        Project p = Project::open(dir_.filePath("demo.gpo").toStdString(), OpenMode::ReadOnly);
        QCOMPARE(studyProgress(p, requireStudy(p, "keys"), "wes").answered, int64_t(2));
    }

    void agreementDashboardComputesAndExports() {
        ui::MainWindow w(*registry_);
        QVERIFY(openFiltered(w, "demo-test"));
        auto* dashboard = w.agreementDashboard();
        QSignalSpy computed(dashboard, &ui::AgreementDashboard::computed);
        w.viewTabs()->setCurrentWidget(dashboard);
        QVERIFY(computed.wait(30000));
        const auto& report = dashboard->report();
        QVERIFY(report["annotators"].size() >= 3); // tess, uma, vic
        QVERIFY(dashboard->summaryTable()->rowCount() > 0);
        QVERIFY(!report["people_vs_model"].empty());
        // Filters: only the study; the table follows.
        dashboard->studyFilter()->setCurrentIndex(dashboard->studyFilter()->findText("keys"));
        dashboard->recompute();
        QVERIFY(computed.wait(30000));
        QCOMPARE(dashboard->report()["filter"]["study_id"].is_number(), true);
        keepPicture(dashboard, "agreement");
        for (const char* kind :
             {"csv", "json", "latex", "annotations-csv", "annotations-json", "png", "svg", "pdf"}) {
            const QString path = dir_.filePath(QStringLiteral("export.") + kind);
            QCOMPARE(dashboard->exportTo(kind, path), QString());
            QVERIFY2(QFileInfo(path).size() > 100, kind);
        }
        QFile svg(dir_.filePath("export.svg"));
        QVERIFY(svg.open(QIODevice::ReadOnly) && svg.readAll().contains("<svg"));
        // Imported labels are an annotator too; "People only" leaves them out.
        {
            Project p = Project::open(dir_.filePath("demo.gpo").toStdString());
            importDatasetLabels(p, "demo-test");
        }
        dashboard->studyFilter()->setCurrentIndex(0);
        dashboard->refresh();
        QVERIFY(computed.wait(30000));
        auto annotatorNames = [&] {
            QStringList names;
            for (const auto& r : dashboard->report()["annotators"])
                names << QString::fromStdString(r["annotator"].get<std::string>());
            return names;
        };
        QVERIFY(annotatorNames().contains("demo-test"));
        QComboBox* who = dashboard->annotatorFilter();
        QCOMPARE(who->itemText(1), QStringLiteral("People only (no imported labels)"));
        who->setCurrentIndex(1);
        dashboard->recompute();
        QVERIFY(computed.wait(30000));
        QVERIFY(!annotatorNames().contains("demo-test") && annotatorNames().contains("tess"));
        // A row of the per-trajectory table opens its trajectory, whatever the list showed.
        const int64_t id = dashboard->report()["per_trajectory"][0]["trajectory_id"].get<int64_t>();
        w.datasetFilter()->setCurrentIndex(w.datasetFilter()->findData(QStringLiteral("demo-train")));
        QVERIFY(waitLoaded(w));
        emit dashboard->trajectoryActivated(id);
        QTRY_VERIFY_WITH_TIMEOUT(w.trajectoryView()->trajectoryId() == std::optional<int64_t>(id), 20000);
        QCOMPARE(w.viewTabs()->currentIndex(), 0);
    }

    void filtersNarrowTheList() {
        ui::MainWindow w(*registry_);
        w.setProperty("quiet", true);
        QVERIFY(w.openProject(dir_.filePath("demo.gpo")));
        QVERIFY(waitLoaded(w));
        QSignalSpy spy(&w, &ui::MainWindow::trajectoriesLoaded);
        w.datasetFilter()->setCurrentIndex(w.datasetFilter()->findData(QStringLiteral("math")));
        QVERIFY(spy.wait(20000));
        QCOMPARE(w.trajectoryModel()->rowCount(), 49);
        w.textFilter()->setText(QStringLiteral("piecewise"));
        QVERIFY(spy.wait(20000));
        QCOMPARE(w.trajectoryModel()->rowCount(), 1);
        w.verdictFilter()->setCurrentIndex(
            w.verdictFilter()->findData(static_cast<int>(Correctness::Incorrect)));
        QVERIFY(spy.wait(20000));
        QCOMPARE(w.trajectoryModel()->rowCount(), 0);
    }

    void keyboardMovesThroughTrajectories() {
        ui::MainWindow w(*registry_);
        w.setProperty("quiet", true);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.openProject(dir_.filePath("demo.gpo")));
        QVERIFY(waitLoaded(w));
        const auto first = w.trajectoryView()->trajectoryId();
        w.trajectoryTable()->setFocus();
        QTest::keyClick(w.trajectoryTable(), Qt::Key_Down);
        QVERIFY(w.trajectoryView()->trajectoryId() != first);
        QCOMPARE(w.trajectoryTable()->currentIndex().row(), 1);
    }

    void largeProjectLoadsLazily() {
        // 20k trajectories: the model holds ids only and fetches one page of rows when asked.
        const QString data = dir_.filePath("many.jsonl");
        QFile f(data);
        QVERIFY(f.open(QIODevice::WriteOnly));
        for (int i = 0; i < 20000; ++i)
            f.write(QStringLiteral("{\"problem\": \"q%1\", \"answer\": \"%1\", \"steps\": [\"a\", \"b\", "
                                   "\"the answer is %1\"]}\n")
                        .arg(i)
                        .toUtf8());
        f.close();
        const QString path = dir_.filePath("many.gpo");
        {
            auto p = Project::open(path.toStdString(), OpenMode::Create);
            ImportOptions o;
            o.format = "jsonl";
            Importer(p, *registry_).importPath(data.toStdString(), o);
        }
        ui::MainWindow w(*registry_);
        w.setProperty("quiet", true);
        QElapsedTimer timer;
        timer.start();
        QSignalSpy spy(&w, &ui::MainWindow::trajectoriesLoaded);
        QVERIFY(w.openProject(path));
        QVERIFY(spy.wait(20000));
        qInfo("opened 20k trajectories in %lld ms", static_cast<long long>(timer.elapsed()));
        QCOMPARE(w.trajectoryModel()->rowCount(), 20000);
        QVERIFY(w.trajectoryModel()->fetchedRows() <= 2 * ui::TrajectoryTableModel::kPageSize);
        const QModelIndex last = w.trajectoryModel()->index(19999, ui::TrajectoryTableModel::Question);
        QCOMPARE(w.trajectoryModel()->data(last, Qt::DisplayRole).toString(), QStringLiteral("q19999"));
    }

    void badProjectShowsError() {
        const QString notProject = dir_.filePath("notes.gpo");
        QFile f(notProject);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray(4096, 'x'));
        f.close();
        ui::MainWindow w(*registry_);
        w.setProperty("quiet", true);
        QVERIFY(!w.openProject(notProject));
        QVERIFY(w.projectPath().isEmpty());
        // A 0-byte file is refused too, and stays as it was.
        const QString empty = dir_.filePath("empty.jsonl");
        QFile e(empty);
        QVERIFY(e.open(QIODevice::WriteOnly));
        e.close();
        QVERIFY(!w.openProject(empty));
        QCOMPARE(QFileInfo(empty).size(), qint64(0));
        QVERIFY(w.statusBar()->currentMessage().contains("an empty file"));
    }
};

QTEST_MAIN(TestStudio)
#include "test_studio.moc"
