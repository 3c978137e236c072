// gpo-studio: the GPO Studio desktop application.
//   gpo-studio [PROJECT]          open a project (default: the last one, else the demo project)
//   gpo-studio --demo             open the demo project
//   gpo-studio --screenshot FILE  save a picture of the window once loaded, then quit
//   gpo-studio --bench-live-curves [--seconds S] [--points-per-minute N]
//                                 the Runs tab following a run that writes N points a minute: the UI
//                                 thread's longest stall, as JSON
#include "advantage_heatmap.h"
#include "agreement_dashboard.h"
#include "annotation_panel.h"
#include "builtin.h"
#include "live_curves_bench.h"
#include "main_window.h"
#include "runs_panel.h"
#include "util/build_info.h"

#include <QApplication>
#include <QComboBox>
#include <QCommandLineParser>
#include <QFileInfo>
#include <QJsonDocument>
#include <QSettings>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <iostream>

namespace {

/// The studio's command line. Built before any window, so --help and --version work without a display.
struct StudioOptions {
    QCommandLineParser parser;
    QCommandLineOption demo{QStringLiteral("demo"),
                            QStringLiteral("Open the demo project (building it on first use)")};
    QCommandLineOption screenshot{QStringLiteral("screenshot"),
                                  QStringLiteral("Save a screenshot once loaded, then quit"),
                                  QStringLiteral("file")};
    QCommandLineOption select{QStringLiteral("select"),
                              QStringLiteral("Select this row of the trajectory list"),
                              QStringLiteral("row")};
    QCommandLineOption dataset{QStringLiteral("dataset"),
                               QStringLiteral("Show only this dataset (with --screenshot)"),
                               QStringLiteral("name")};
    QCommandLineOption screenshotAfter{
        QStringLiteral("screenshot-after"),
        QStringLiteral("With --screenshot: take it after this many ms, loaded or not"), QStringLiteral("ms")};
    QCommandLineOption view{
        QStringLiteral("view"),
        QStringLiteral("With --screenshot: show this tab (trajectory, heatmap, annotate, agreement or runs)"),
        QStringLiteral("tab")};
    QCommandLineOption runs{QStringLiteral("runs"),
                            QStringLiteral("With --view runs: select these runs (ids, comma-separated)"),
                            QStringLiteral("ids")};
    QCommandLineOption benchLiveCurves{
        QStringLiteral("bench-live-curves"),
        QStringLiteral("Benchmark the Runs tab following a run that writes many points; JSON on stdout")};
    QCommandLineOption seconds{QStringLiteral("seconds"),
                               QStringLiteral("With --bench-live-curves: how long"), QStringLiteral("s"),
                               QStringLiteral("60")};
    QCommandLineOption pointsPerMinute{QStringLiteral("points-per-minute"),
                                       QStringLiteral("With --bench-live-curves: the run's writing rate"),
                                       QStringLiteral("n"), QStringLiteral("5000")};
    QCommandLineOption study{QStringLiteral("study"),
                             QStringLiteral("With --view annotate: annotate this study"),
                             QStringLiteral("name")};
    QCommandLineOption annotator{QStringLiteral("annotator"),
                                 QStringLiteral("With --view annotate: as this annotator"),
                                 QStringLiteral("name")};
    StudioOptions() {
        parser.setApplicationDescription(QStringLiteral(
            "GPO Studio: critical-step analysis and training of reasoning language models.\n"
            "Opens PROJECT (a new path creates it), else the last project, else the demo project, which is\n"
            "built on first use in the user's data folder (on Linux ~/.local/share/GPO Studio/GPO "
            "Studio/demo.gpo)."));
        parser.addHelpOption();
        parser.addVersionOption();
        parser.addPositionalArgument(QStringLiteral("project"), QStringLiteral("Project file to open"));
        parser.addOptions({demo, screenshot, select, dataset, screenshotAfter, view, study, annotator, runs,
                           benchLiveCurves, seconds, pointsPerMinute});
    }
};

void nameApplication() {
    QCoreApplication::setOrganizationName(QStringLiteral("GPO Studio"));
    QCoreApplication::setApplicationName(QStringLiteral("GPO Studio"));
    QCoreApplication::setApplicationVersion(
        QString::fromStdString(gpo::version() + " (commit " + gpo::gitCommit() + ")"));
}

} // namespace

int main(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "-h" || arg == "--help" || arg == "--help-all" || arg == "-v" || arg == "--version") {
            QCoreApplication console(argc, argv); // no display needed to say how to start
            nameApplication();
            StudioOptions options;
            options.parser.process(console); // prints and exits
            return 0;
        }
    }
    QApplication app(argc, argv);
    nameApplication();
    StudioOptions options;
    QCommandLineParser& parser = options.parser;
    const auto& demo = options.demo;
    const auto& screenshot = options.screenshot;
    const auto& select = options.select;
    const auto& dataset = options.dataset;
    const auto& screenshotAfter = options.screenshotAfter;
    const auto& view = options.view;
    const auto& study = options.study;
    const auto& annotator = options.annotator;
    parser.process(app);

    if (parser.isSet(options.benchLiveCurves)) {
        gpo::ui::LiveCurvesBenchOptions o;
        o.seconds = parser.value(options.seconds).toDouble();
        o.pointsPerMinute = parser.value(options.pointsPerMinute).toInt();
        if (parser.isSet(screenshot)) o.screenshot = parser.value(screenshot);
        if (o.seconds <= 0 || o.pointsPerMinute <= 0) {
            std::cerr << "gpo-studio: --seconds and --points-per-minute must be positive\n";
            return 2;
        }
        std::cout << QJsonDocument(gpo::ui::benchLiveCurves(o)).toJson(QJsonDocument::Compact).toStdString()
                  << std::endl;
        return 0;
    }

    std::vector<std::string> pluginErrors;
    auto registry = gpo::plugins::standardRegistry(&pluginErrors);
    for (const auto& e : pluginErrors)
        std::cerr << "gpo-studio: warning: " << e << '\n';

    gpo::ui::MainWindow window(*registry);
    // Unattended (screenshot) runs report errors in the status bar, never in a modal box.
    if (parser.isSet(screenshot)) window.setProperty("quiet", true);
    window.show();
    const QStringList args = parser.positionalArguments();
    const QString last = QSettings().value(QStringLiteral("lastProject")).toString();
    bool opened = false;
    if (!args.isEmpty())
        opened = window.openProject(args.first(), !QFileInfo::exists(args.first()));
    else if (!parser.isSet(demo) && !last.isEmpty() && QFileInfo::exists(last))
        opened = window.openProject(last);
    if (!opened && args.isEmpty()) window.openDemoProject();

    if (parser.isSet(screenshot)) {
        const QString file = parser.value(screenshot);
        const int row = parser.value(select).toInt();
        const QString only = parser.value(dataset);
        const QString tab = parser.value(view);
        const bool heatmap = tab == QLatin1String("heatmap");
        const QString studyName = parser.value(study), annotatorName = parser.value(annotator);
        const QString runIds = parser.value(options.runs);
        if (parser.isSet(screenshotAfter)) {
            QTimer::singleShot(parser.value(screenshotAfter).toInt(), &window, [&window, file] {
                window.grab().save(file);
                QApplication::quit();
            });
            return QApplication::exec();
        }
        QObject::connect(
            &window, &gpo::ui::MainWindow::trajectoriesLoaded, &window,
            [&window, file, row, only, heatmap, tab, studyName, annotatorName, runIds](int count) {
                if (window.isRunningJob()) return; // e.g. the demo policy is still answering
                QComboBox* filter = window.datasetFilter();
                if (!only.isEmpty() && filter->currentData().toString() != only) {
                    const int i = filter->findData(only);
                    if (i >= 0) {
                        filter->setCurrentIndex(i); // reloads; the next load takes the shot
                        return;
                    }
                }
                if (row > 0 && row < count) window.trajectoryTable()->selectRow(row);
                auto shoot = [&window, file] {
                    QTimer::singleShot(300, &window, [&window, file] {
                        window.grab().save(file);
                        QApplication::quit();
                    });
                };
                if (heatmap) { // read on a worker thread: shoot once it is drawn
                    QObject::connect(&window, &gpo::ui::MainWindow::heatmapLoaded, &window, shoot);
                    window.viewTabs()->setCurrentWidget(window.heatmap());
                    return;
                }
                if (tab == QLatin1String("agreement")) {
                    QObject::connect(window.agreementDashboard(), &gpo::ui::AgreementDashboard::computed,
                                     &window, shoot);
                    window.viewTabs()->setCurrentWidget(window.agreementDashboard());
                    return;
                }
                if (tab == QLatin1String("runs")) {
                    window.viewTabs()->setCurrentWidget(window.runsPanel());
                    std::vector<int64_t> ids;
                    for (const QString& id : runIds.split(QLatin1Char(','), Qt::SkipEmptyParts))
                        ids.push_back(id.toLongLong());
                    window.runsPanel()->selectRuns(ids);
                    QTimer::singleShot(1500, &window, [&window, file] {
                        window.grab().save(file);
                        QApplication::quit();
                    });
                    return;
                }
                if (tab == QLatin1String("annotate")) {
                    window.viewTabs()->setCurrentWidget(window.annotationPanel());
                    if (!studyName.isEmpty()) window.annotationPanel()->start(studyName, annotatorName);
                }
                shoot();
            });
    }
    return QApplication::exec();
}
