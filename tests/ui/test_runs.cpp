// The Runs tab offscreen, on a small demo project and real gpo child processes: the launch dialog checks
// settings with the CLI's validation, a run started from it is followed live and traced back to its
// pairs' critical steps, stop and resume, an online run's samples, two policies compared, curves that
// grow while a run writes (with TensorBoard's smoothing), exports, and the live-curves benchmark.
#include "builtin.h"
#include "experiment_dialog.h"
#include "experiment_view.h"
#include "gpo_process.h"
#include "launch_run_dialog.h"
#include "live_curves_bench.h"
#include "main_window.h"
#include "metric_chart.h"
#include "policy_compare_dialog.h"
#include "run_curves.h"
#include "run_pairs_view.h"
#include "run_samples_view.h"
#include "runs_panel.h"
#include "runs_table_model.h"
#include "stats/smoothing.h"
#include "store/run_overview.h"
#include "store/runs.h"
#include "trajectory_lineage.h"

#include <QCheckBox>
#include <QComboBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QSlider>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QTreeWidget>
#include <QtTest>
#include <cmath>
#include <csignal>

using namespace gpo;

class TestRuns : public QObject {
    Q_OBJECT
    std::unique_ptr<Registry> registry_;
    QTemporaryDir dir_;
    QString demo_;

    /// With GPO_TEST_SCREENSHOTS=DIR, saves a picture of a widget there, to look at what users see.
    static void keepPicture(QWidget* widget, const char* name) {
        const QString dir = qEnvironmentVariable("GPO_TEST_SCREENSHOTS");
        if (!dir.isEmpty()) widget->grab().save(dir + "/" + name + ".png");
    }

    /// Starts a run from the panel and waits for it to end; its id.
    static int64_t runToEnd(ui::RunsPanel& panel, const QJsonObject& config) {
        QSignalSpy ended(&panel, &ui::RunsPanel::runEnded);
        if (!panel.startRun(config).isEmpty()) return -1;
        if (!ended.wait(240000)) return -1;
        if (!ended[0][1].toBool()) qWarning() << ended[0][2].toString();
        return ended[0][1].toBool() ? ended[0][0].toLongLong() : -1;
    }

private slots:
    // Runs started from the tab are detached: none may outlive a failed test and take the next suite's cores.
    void cleanupTestCase() {
        if (demo_.isEmpty()) return;
        Project p = Project::open(demo_.toStdString());
        for (const RunSummary& r : listRuns(p))
            if (r.state == "running" && r.pid) ::kill(static_cast<pid_t>(*r.pid), SIGTERM);
    }

    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        registry_ = plugins::standardRegistry();
        demo_ = dir_.filePath(QStringLiteral("demo.gpo"));
        ui::GpoProcess job;
        QSignalSpy finished(&job, &ui::GpoProcess::finished);
        job.start({"demo", "--project", demo_, "--train", "40", "--test", "16", "--eval-problems", "16"});
        QVERIFY(finished.wait(180000));
        QVERIFY2(finished[0][0].toBool(), qPrintable(finished[0][2].toString()));
    }

    // Every setting with its default and help; a bad value is refused by the CLI's check, naming the
    // setting; a good config offers Start; nothing runs or is recorded by checking.
    void launchDialogChecksWithTheCli() {
        QVERIFY(ui::LaunchRunDialog::presetNames().size() == 14);
        ui::LaunchRunDialog d(demo_);
        QSignalSpy checked(&d, &ui::LaunchRunDialog::checked);
        QVERIFY(checked.wait(60000));
        QVERIFY2(checked.last()[0].toBool(), qPrintable(d.checkMessage()));
        QCOMPARE(d.presetChoice()->currentText(), QStringLiteral("gpo-dpo"));
        QVERIFY(d.startButton()->isEnabled());
        QVERIFY2(d.checkMessage().contains("gpo-dpo-pairs"), qPrintable(d.checkMessage()));
        QTableWidget* t = d.settingsTable();
        auto rowOf = [t](const QString& key) {
            for (int row = 0; row < t->rowCount(); ++row)
                if (t->item(row, 0)->text() == key) return row;
            return -1;
        };
        const int beta = rowOf("beta");
        QVERIFY(beta >= 0);
        QCOMPARE(rowOf("gpo_selector"), -1); // an online GPO setting: not shown for DPO
        QCOMPARE(t->item(beta, 2)->text(), QStringLiteral("0.1"));
        // The preset's own choices are not shown as defaults: what it trains on is required, GPO and LoRA
        // are off unless asked for.
        QCOMPARE(t->item(rowOf("pairs"), 2)->text(), QStringLiteral("(required)"));
        QCOMPARE(t->item(rowOf("gpo"), 2)->text(), QStringLiteral("false"));
        QVERIFY(t->item(rowOf("gpo"), 0)->font().bold());
        QCOMPARE(t->item(rowOf("use_peft"), 2)->text(), QStringLiteral("false"));
        QVERIFY(t->item(beta, 1)->toolTip().contains("KL"));
        keepPicture(&d, "launch-dialog");
        // A setting the run cannot take: refused, with the setting named and marked.
        d.setValue("max_steps", "many");
        QVERIFY(checked.wait(60000));
        QCOMPARE(checked.last()[0].toBool(), false);
        QVERIFY2(d.checkMessage().contains("max_steps"), qPrintable(d.checkMessage()));
        QVERIFY(!d.startButton()->isEnabled());
        d.setValue("max_steps", "4");
        QVERIFY(checked.wait(60000));
        QVERIFY2(checked.last()[0].toBool(), qPrintable(d.checkMessage()));
        QCOMPARE(d.config()["max_steps"].toInt(), 4);
        QVERIFY(d.choosePreset("gpo-grpo"));
        QVERIFY(checked.wait(60000));
        QVERIFY2(checked.last()[0].toBool(), qPrintable(d.checkMessage()));
        QVERIFY(d.checkMessage().contains("demo-train"));
        Project p = Project::open(demo_.toStdString());
        QCOMPARE(listRuns(p, "training").size(), size_t(0));
    }

    // A DPO run started from the tab: listed with its progress, its curves drawn, its pairs traced back to
    // the trajectories' critical steps; from a trajectory, the run that trained on its pairs.
    void runStartedFromTheTabIsFollowedAndTraced() {
        ui::MainWindow w(*registry_);
        w.setProperty("quiet", true);
        QSignalSpy loaded(&w, &ui::MainWindow::trajectoriesLoaded);
        QVERIFY(w.openProject(demo_));
        QVERIFY(loaded.wait(20000));
        w.resize(1400, 900);
        w.show();
        ui::RunsPanel* panel = w.runsPanel();
        w.viewTabs()->setCurrentWidget(panel);
        const int64_t run = runToEnd(*panel, {{"algorithm", "dpo"},
                                              {"gpo", true},
                                              {"run_name", "tab-dpo"},
                                              {"pairs", QJsonObject{{"from", "gpo"}}},
                                              {"max_steps", 6},
                                              {"logging_steps", 1},
                                              {"learning_rate", 5e-5},
                                              {"seed", 3}});
        QVERIFY(run > 0);
        panel->refresh();
        QVERIFY(panel->selectRun(run));
        const RunOverview& o = panel->model()->run(panel->model()->rowOf(run));
        QCOMPARE(QString::fromStdString(o.run.state), QStringLiteral("done"));
        QCOMPARE(o.step, int64_t(6));
        QCOMPARE(*o.totalSteps, int64_t(6));
        QCOMPARE(QString::fromStdString(o.device), QStringLiteral("cpu"));
        QCOMPARE(QString::fromStdString(o.algorithm), QStringLiteral("gpo-dpo"));
        ui::RunCurves* curves = panel->curves();
        QVERIFY(curves->metricNames().contains("loss"));
        QCOMPARE(curves->metricNames().first(), QStringLiteral("loss"));
        QVERIFY(curves->metricNames().contains("rewards/margins")); // TRL's names
        QTRY_COMPARE_WITH_TIMEOUT(curves->chart("loss")->pointsDrawn(), 6, 5000);
        QTest::qWait(300);
        keepPicture(&w, "runs-tab");
        // The pairs it trained on, each from a failed trajectory's critical step.
        ui::RunPairsView* pairs = panel->pairs();
        QVERIFY(!pairs->pairs().empty());
        const TracedPair& first = pairs->pairs().front();
        QVERIFY(first.trajectoryId && first.stepIdx);
        panel->detailTabs()->setCurrentWidget(pairs);
        keepPicture(&w, "runs-pairs");
        QSignalSpy opened(pairs, &ui::RunPairsView::trajectoryActivated);
        emit pairs->table()->cellDoubleClicked(0, 0);
        QCOMPARE(opened.size(), 1);
        QCOMPARE(opened[0][0].toLongLong(), *first.trajectoryId);
        // The main window shows it, with the run under it.
        QTRY_COMPARE_WITH_TIMEOUT(w.viewTabs()->currentIndex(), 0, 20000);
        QTRY_VERIFY_WITH_TIMEOUT(w.trajectoryLineage()->isVisible(), 20000);
        QTreeWidget* tree = w.trajectoryLineage()->tree();
        QVERIFY(tree->topLevelItemCount() >= 1);
        QVERIFY(tree->topLevelItem(0)->childCount() >= 1);
        QVERIFY(tree->topLevelItem(0)->child(0)->text(0).contains("tab-dpo"));
        QTest::qWait(300);
        keepPicture(&w, "trajectory-trained-on");
        emit tree->itemDoubleClicked(tree->topLevelItem(0)->child(0), 0);
        QCOMPARE(w.viewTabs()->currentWidget(), panel);
        QCOMPARE(panel->selectedRuns(), std::vector<int64_t>{run});
    }

    // A run started from the tab outlives it: a tab opened later (a reopened studio) finds it running and
    // stops it (it saves and ends: cancelled, resumable); Resume takes it up from its checkpoint.
    void stopAndResumeFromTheTab() {
        auto first = std::make_unique<ui::RunsPanel>();
        first->setProjectPath(demo_);
        QVERIFY(first
                    ->startRun({{"algorithm", "dpo"},
                                {"gpo", true},
                                {"run_name", "stopped-dpo"},
                                {"pairs", QJsonObject{{"from", "gpo"}}},
                                {"max_steps", 400},
                                {"logging_steps", 1},
                                {"save_steps", 1000}})
                    .isEmpty());
        QCOMPARE(first->activeRuns(), 1);
        int64_t run = 0;
        auto progress = [&](ui::RunsPanel& panel) -> const RunOverview* {
            panel.refresh();
            for (int row = 0; row < panel.model()->rowCount(); ++row)
                if (panel.model()->run(row).run.name == "stopped-dpo") return &panel.model()->run(row);
            return nullptr;
        };
        QTRY_VERIFY_WITH_TIMEOUT(progress(*first) && progress(*first)->step >= 2, 120000);
        run = progress(*first)->run.id;
        first.reset(); // the studio closes; the run goes on
        ui::RunsPanel panel;
        panel.setProjectPath(demo_);
        QCOMPARE(QString::fromStdString(progress(panel)->run.state), QStringLiteral("running"));
        QCOMPARE(panel.activeRuns(), 0);
        QVERIFY(panel.stopRun(run).isEmpty()); // not its own: through gpo runs --cancel
        QTRY_COMPARE_WITH_TIMEOUT(QString::fromStdString(progress(panel)->run.state),
                                  QStringLiteral("cancelled"), 60000);
        QVERIFY(progress(panel)->run.resumable());
        const int64_t stoppedAt = progress(panel)->step;
        QVERIFY(stoppedAt < 400);
        QSignalSpy ended(&panel, &ui::RunsPanel::runEnded);
        QSignalSpy messages(&panel, &ui::RunsPanel::message);
        QVERIFY(panel.resumeRun(run).isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(progress(panel)->step > stoppedAt, 120000);
        QVERIFY(panel.stopRun(run).isEmpty()); // its own now
        QVERIFY(ended.wait(60000));
        QCOMPARE(ended[0][0].toLongLong(), run);
        QCOMPARE(QString::fromStdString(progress(panel)->run.state), QStringLiteral("cancelled"));
        // The status bar says how it ended: cancelled, not "done".
        QVERIFY(!messages.isEmpty());
        const QString last = messages.last()[0].toString();
        QVERIFY2(last.endsWith(": cancelled"), qPrintable(last));
        // A run whose process was killed reads "stopped" (not running forever) and can be resumed.
        {
            Project p = Project::open(demo_.toStdString());
            p.db().exec("UPDATE runs SET status = 'running', pid = 999999999 WHERE id = " +
                        std::to_string(run));
        }
        QCOMPARE(QString::fromStdString(progress(panel)->run.state), QStringLiteral("stopped"));
        QVERIFY(progress(panel)->run.resumable());
    }

    // Closing the studio while a run goes says that it goes on; the Runs tab opens again as it was left:
    // the tab, its filters, its detail tab and the selected run.
    void quitSaysRunsGoOnAndReopeningRestoresTheTab() {
        int64_t live = 0;
        {
            Project p = Project::open(demo_.toStdString());
            live = beginRun(p, "training", "still-going", {{"algorithm", "dpo"}}); // owned by this process
        }
        {
            ui::MainWindow w(*registry_);
            w.setProperty("quiet", true);
            QVERIFY(w.openProject(demo_));
            w.show();
            ui::RunsPanel* panel = w.runsPanel();
            w.viewTabs()->setCurrentWidget(panel);
            panel->kindFilter()->setCurrentIndex(panel->kindFilter()->findData(QStringLiteral("training")));
            panel->refresh();
            QVERIFY(panel->selectRun(live));
            panel->detailTabs()->setCurrentIndex(2);
            QVERIFY(w.close());
            QVERIFY2(w.quitNotice().contains(QStringLiteral("still-going (run %1)").arg(live)),
                     qPrintable(w.quitNotice()));
            QVERIFY(w.quitNotice().contains("go on after the studio closes"));
        }
        {
            Project p = Project::open(demo_.toStdString());
            finishRun(p, live, "cancelled");
        }
        ui::MainWindow w(*registry_);
        w.setProperty("quiet", true);
        QVERIFY(w.openProject(demo_));
        ui::RunsPanel* panel = w.runsPanel();
        QCOMPARE(w.viewTabs()->currentWidget(), static_cast<QWidget*>(panel));
        QCOMPARE(panel->kindFilter()->currentData().toString(), QStringLiteral("training"));
        QCOMPARE(panel->detailTabs()->currentIndex(), 2);
        QCOMPARE(panel->selectedRuns(), std::vector<int64_t>{live});
        panel->kindFilter()->setCurrentIndex(0); // leave the settings as the other cases expect them
        w.viewTabs()->setCurrentIndex(0);
        w.show();
        QVERIFY(w.close());
        QVERIFY(w.quitNotice().isEmpty()); // nothing running: nothing to say
    }

    // A run killed with SIGKILL: the tab that started it reports the failure, and the run reads "stopped"
    // (resumable), not running forever. A second run started at once beside it finishes.
    void killedRunReadsStoppedAndNeighbourFinishes() {
        ui::RunsPanel panel;
        panel.setProjectPath(demo_);
        QSignalSpy ended(&panel, &ui::RunsPanel::runEnded);
        const QJsonObject config{{"algorithm", "dpo"},
                                 {"gpo", true},
                                 {"pairs", QJsonObject{{"from", "gpo"}}},
                                 {"logging_steps", 1},
                                 {"save_steps", 1000}};
        QJsonObject killed = config, neighbour = config;
        killed["run_name"] = "killed-dpo";
        killed["max_steps"] = 400;
        neighbour["run_name"] = "neighbour-dpo";
        neighbour["max_steps"] = 5;
        QVERIFY(panel.startRun(killed).isEmpty());
        QVERIFY(panel.startRun(neighbour).isEmpty());
        QCOMPARE(panel.activeRuns(), 2);
        const RunOverview* victim = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                panel.refresh();
                for (int row = 0; row < panel.model()->rowCount(); ++row)
                    if (panel.model()->run(row).run.name == "killed-dpo" && panel.model()->run(row).step >= 1)
                        victim = &panel.model()->run(row);
                return victim != nullptr;
            }(),
            120000);
        const int64_t id = victim->run.id;
        QVERIFY(victim->run.pid);
        QCOMPARE(::kill(static_cast<pid_t>(*victim->run.pid), SIGKILL), 0);
        QTRY_COMPARE_WITH_TIMEOUT(ended.size(), 2, 120000);
        for (const auto& e : ended) {
            if (e[0].toLongLong() == id)
                QCOMPARE(e[1].toBool(), false); // killed: no result line
            else
                QVERIFY2(e[1].toBool(), qPrintable(e[2].toString()));
        }
        panel.refresh();
        const RunOverview& after = panel.model()->run(panel.model()->rowOf(id));
        QCOMPARE(QString::fromStdString(after.run.state), QStringLiteral("stopped"));
        QVERIFY(after.run.resumable());
        // The failure stays on screen, without the project's path; the State cell names the process and
        // where a resume starts (no checkpoint yet: save_steps is 1000).
        QVERIFY(!panel.notice()->isHidden());
        QVERIFY2(panel.notice()->text().contains(QStringLiteral("Run %1 failed").arg(id)),
                 qPrintable(panel.notice()->text()));
        QVERIFY(!panel.notice()->text().contains(QFileInfo(demo_).absolutePath()));
        const QString tip =
            panel.model()
                ->data(panel.model()->index(panel.model()->rowOf(id), ui::RunsTableModel::State),
                       Qt::ToolTipRole)
                .toString();
        QVERIFY2(tip.contains(QStringLiteral("process %1").arg(*after.run.pid)) ||
                     tip.contains(QStringLiteral("(%1 on").arg(*after.run.pid)),
                 qPrintable(tip));
        QVERIFY2(tip.contains("Resume starts it again from step 0"), qPrintable(tip));
        QVERIFY(panel.selectRun(id));
        QVERIFY2(panel.resumeButton()->toolTip().contains("step 0"),
                 qPrintable(panel.resumeButton()->toolTip()));
    }

    // An online run's samples, step by step, with GPO's resets.
    void onlineRunShowsItsSamples() {
        ui::RunsPanel panel;
        panel.setProjectPath(demo_);
        panel.resize(1200, 800);
        panel.show();
        const int64_t run = runToEnd(panel, {{"algorithm", "grpo"},
                                             {"gpo", true},
                                             {"run_name", "tab-grpo"},
                                             {"dataset", "demo-train"},
                                             {"num_generations", 4},
                                             {"per_device_train_batch_size", 8},
                                             {"max_completion_length", 48},
                                             {"max_steps", 2},
                                             {"logging_steps", 1},
                                             {"gpo_explore_num", 2},
                                             {"seed", 5}});
        QVERIFY(run > 0);
        panel.refresh();
        QVERIFY(panel.selectRun(run));
        ui::RunSamplesView* samples = panel.samples();
        panel.detailTabs()->setCurrentWidget(samples);
        QCOMPARE(samples->shownStep(), int64_t(2));
        QVERIFY(samples->table()->rowCount() >= 8);
        QVERIFY(samples->showStep(1));
        QCOMPARE(samples->stepSlider()->value(), 0);
        QVERIFY(!samples->showStep(7));
        keepPicture(&panel, "runs-samples");
        QVERIFY(panel.pairs()->pairs().empty()); // online: no pair set
    }

    // Two policies on one dataset, evaluated the same way (greedy by default): one not yet evaluated so
    // there is evaluated from the dialog first. Only policies are offered, not the dataset's worked
    // solutions or planted errors.
    void comparesTwoPolicies() {
        ui::PolicyCompareDialog d(demo_);
        QVERIFY(d.policyNames().contains("demo-policy"));
        QVERIFY(!d.policyNames().contains("reference") && !d.policyNames().contains("planted-error"));
        QVERIFY(d.samplings().front().isGreedy());
        QSignalSpy compared(&d, &ui::PolicyCompareDialog::compared);
        d.choose("demo-test", "demo-policy", "tab-dpo");
        d.compare();
        QVERIFY(compared.wait(180000));
        QVERIFY2(compared[0][0].toBool(), qPrintable(d.summaryText()));
        QCOMPARE(d.result().problems, int64_t(16));
        QVERIFY(d.summaryText().contains("pass@1"));
        QVERIFY2(d.summaryText().contains("greedy, 1 answer a problem"), qPrintable(d.summaryText()));
        QCOMPARE(d.result().answersA, 1.0);
        QCOMPARE(d.result().answersB, 1.0);
        QCOMPARE(static_cast<int>(d.result().onlyA.size()), d.onlyA()->rowCount());
        keepPicture(&d, "compare-policies");
    }

    // Curves grow while a run writes; smoothing is TensorBoard's; x and y scales; exports.
    void curvesFollowAWritingRun() {
        const std::string path = dir_.filePath("live.gpo").toStdString();
        Project p = Project::open(path, OpenMode::Create);
        const int64_t a = beginRun(p, "training", "a", {{"algorithm", "dpo"}, {"max_steps", 100}});
        const int64_t b = beginRun(p, "training", "b", {{"algorithm", "dpo"}, {"max_steps", 100}});
        ui::RunCurves curves;
        curves.setProjectPath(QString::fromStdString(path));
        curves.setRuns({{a, "a", "a"}, {b, "b", "b"}});
        QCOMPARE(curves.metricNames().size(), 0);
        for (int step = 1; step <= 3; ++step)
            recordMetric(p, a, "loss", step, 1.0 / step);
        QCOMPARE(curves.poll(), size_t(3));
        QVERIFY(curves.chart("loss"));
        QCOMPARE(curves.chart("loss")->pointsDrawn(), 3);
        recordMetric(p, a, "loss", 4, 0.2);
        recordMetric(p, b, "loss", 1, 2.0);
        recordMetric(p, b, "rewards/margins", 1, 0.5);
        QCOMPARE(curves.poll(), size_t(3));
        QCOMPARE(curves.chart("loss")->pointsDrawn(), 5); // both runs overlaid
        QVERIFY(curves.chart("rewards/margins"));
        // The read-out names each run's step and value there.
        const QString readout = curves.chart("loss")->readoutAt(2.0);
        QVERIFY2(readout.contains("a: step 2") && readout.contains("0.5"), qPrintable(readout));
        // The smoothed curve is TensorBoard's; at 0 it is the raw one.
        curves.showMetric("loss");
        QCPGraph* smooth = curves.largeChart()->graph(1);
        const auto expected = stats::tensorBoardSmoothing({1.0, 0.5, 1.0 / 3, 0.2}, 0.6);
        QCOMPARE(smooth->dataCount(), 4);
        for (int i = 0; i < 4; ++i)
            QVERIFY(std::abs(smooth->data()->at(i)->value - expected[static_cast<size_t>(i)]) < 1e-12);
        curves.smoothingSlider()->setValue(0);
        QCOMPARE(curves.largeChart()->graph(1)->data()->at(3)->value, 0.2);
        curves.logYChoice()->setChecked(true);
        QCOMPARE(curves.largeChart()->yAxis->scaleType(), QCPAxis::stLogarithmic);
        curves.xAxisChoice()->setCurrentIndex(1); // relative time: from the run's first point
        QVERIFY(curves.largeChart()->graph(1)->data()->at(0)->key >= 0);
        QVERIFY(curves.largeChart()->graph(1)->data()->at(0)->key < 60);
        for (const char* kind : {"png", "svg", "pdf", "csv"}) {
            const QString file = dir_.filePath(QStringLiteral("curves.") + kind);
            QCOMPARE(curves.exportTo(kind, file), QString());
            QVERIFY2(QFileInfo(file).size() > 100 || QString(kind) == "csv", kind);
        }
        QFile csv(dir_.filePath("curves.csv"));
        QVERIFY(csv.open(QIODevice::ReadOnly));
        const QStringList lines = QString::fromUtf8(csv.readAll()).split('\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.first(), QStringLiteral("run,run_name,metric,step,wall_time,value,smoothed"));
        QCOMPARE(lines.size(), 1 + 5); // the loss of both runs
        // The run's id and name; every digit of 1/3 (step 3 of run a's loss).
        const QString third = lines.filter(QStringLiteral("%1,a,loss,3,").arg(a)).value(0);
        QVERIFY2(third.section(',', 5, 5) == QStringLiteral("0.33333333333333331"), qPrintable(third));
        // The grid as a picture in every format, with a legend naming the runs.
        curves.showMetric({});
        for (const char* kind : {"png", "svg", "pdf"}) {
            const QString file = dir_.filePath(QStringLiteral("grid.") + kind);
            QCOMPARE(curves.exportTo(kind, file), QString());
            QVERIFY2(QFileInfo(file).size() > 100, kind);
        }
        QFile svg(dir_.filePath("grid.svg"));
        QVERIFY(svg.open(QIODevice::ReadOnly));
        const QString drawn = QString::fromUtf8(svg.readAll());
        QVERIFY(drawn.contains(QStringLiteral(">a<")) && drawn.contains(QStringLiteral(">b<")));
        QVERIFY(drawn.contains(QStringLiteral("rewards/margins")));
    }

    // The experiment's comparison as a chart beside its table.
    void experimentComparisonChart() {
        ui::ExperimentView view;
        const QString file = dir_.filePath("experiment.json");
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(R"({"summary": [{"method": "start", "seeds": 1, "pass_at_1": 0.30, "ci": [0.25, 0.35]},
                                {"method": "dpo", "seeds": 2, "pass_at_1": 0.36, "ci": [0.31, 0.41]},
                                {"method": "gpo-dpo", "seeds": 2, "pass_at_1": 0.42, "ci": [0.37, 0.47]}]})");
        f.close();
        QVERIFY(view.showFile(file));
        QCOMPARE(view.table()->rowCount(), 3);
        QCOMPARE(view.table()->item(2, 0)->text(), QStringLiteral("gpo-dpo"));
        QCOMPARE(view.chart()->plottableCount(), 2); // bars and their intervals
        QVERIFY(!view.showFile(dir_.filePath("missing.json")));
    }

    // An experiment started from the tab: its runs listed, its comparison charted when it ends.
    void experimentFromTheTab() {
        ui::ExperimentDialog dialog;
        QVERIFY(dialog.arguments().join(" ").contains(
            "--methods dpo,gpo-dpo,random-dpo,grpo,gpo-grpo,random-grpo"));
        ui::RunsPanel panel;
        panel.setProjectPath(demo_);
        panel.resize(1200, 800);
        panel.show();
        QSignalSpy ended(&panel, &ui::RunsPanel::runEnded);
        QVERIFY(panel
                    .startExperiment({"--name", "small", "--seeds", "1", "--methods", "dpo,gpo-dpo",
                                      "--train-pool", "100", "--train-problems", "6", "--samples", "2",
                                      "--heldout", "8", "--dpo-steps", "2"})
                    .isEmpty());
        QVERIFY(ended.wait(240000));
        QVERIFY2(ended[0][1].toBool(), qPrintable(ended[0][2].toString()));
        panel.refresh();
        int64_t experiment = 0;
        for (int row = 0; row < panel.model()->rowCount(); ++row)
            if (panel.model()->run(row).run.kind == "experiment") experiment = panel.model()->run(row).run.id;
        QVERIFY(experiment > 0);
        QVERIFY(panel.selectRun(experiment));
        panel.detailTabs()->setCurrentWidget(panel.experiment());
        QCOMPARE(panel.experiment()->table()->rowCount(), 3); // the starting policy, dpo, gpo-dpo
        QCOMPARE(panel.experiment()->table()->item(2, 0)->text(), QStringLiteral("gpo-dpo"));
        keepPicture(&panel, "runs-experiment");
    }

    // The benchmark runs end to end: everything written is drawn.
    void liveCurvesBenchmarkDrawsWhatWasWritten() {
        ui::LiveCurvesBenchOptions o;
        o.seconds = 3;
        o.pointsPerMinute = 6000;
        const QJsonObject r = ui::benchLiveCurves(o);
        QVERIFY(r["points_written"].toInt() >= 200);
        QCOMPARE(r["points_drawn"].toInt(), r["points_written"].toInt());
        QCOMPARE(r["charts"].toInt(), 10);
        QVERIFY(r["longest_stall_ms"].toDouble() >= 0);
    }
};

QTEST_MAIN(TestRuns)
#include "test_runs.moc"
