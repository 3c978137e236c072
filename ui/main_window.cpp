#include "main_window.h"

#include "add_policy_dialog.h"
#include "advantage_heatmap.h"
#include "agreement_dashboard.h"
#include "analyze_dialog.h"
#include "annotation_panel.h"
#include "builtin.h"
#include "demo_project.h"
#include "gpo_process.h"
#include "plugins_dialog.h"
#include "rollouts_dialog.h"
#include "runs_panel.h"
#include "store/analysis.h"
#include "store/exporter.h"
#include "store/policies.h"
#include "store/queries.h"
#include "store/runs.h"
#include "store/study_pack.h"
#include "store/verification.h"
#include "trajectory_lineage.h"
#include "trajectory_table_model.h"
#include "trajectory_view.h"
#include "util/build_info.h"
#include "util/text.h"
#include "value_plot.h"

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QProcess>
#include <QProgressBar>
#include <QSettings>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QToolBar>
#include <QToolButton>
#include <QVBoxLayout>
#include <fstream>

namespace gpo::ui {
MainWindow::MainWindow(Registry& registry, QWidget* parent) : QMainWindow(parent), registry_(registry) {
    initResources();
    setWindowTitle(tr("GPO Studio"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/gpo-studio.svg")));
    model_ = new TrajectoryTableModel(this);
    model_->setRowSource([this](const std::vector<int64_t>& ids) {
        return project_ ? trajectoryRows(*project_, ids) : std::vector<TrajectoryRow>{};
    });
    buildLayout();
    buildActions();
    job_ = new GpoProcess(this);
    // The running job's label, progress and Stop button, shown together in the status bar.
    jobBar_ = new QWidget(this);
    auto* jobLayout = new QHBoxLayout(jobBar_);
    jobLayout->setContentsMargins(0, 0, 0, 0);
    jobLabel_ = new QLabel(jobBar_);
    jobProgress_ = new QProgressBar(jobBar_);
    jobProgress_->setMaximumWidth(180);
    jobProgress_->setTextVisible(false);
    auto* stop = new QToolButton(jobBar_);
    stop->setText(tr("Stop"));
    stop->setToolTip(tr("Stop the running job; what it finished stays in the project"));
    connect(stop, &QToolButton::clicked, job_, &GpoProcess::cancel);
    jobLayout->addWidget(jobLabel_);
    jobLayout->addWidget(jobProgress_);
    jobLayout->addWidget(stop);
    statusBar()->addPermanentWidget(jobBar_);
    jobBar_->hide();
    // The open project's file, always in sight (messages come and go beside it).
    projectLabel_ = new QLabel(this);
    projectLabel_->setStyleSheet(QStringLiteral("color: #4b5563; padding: 0 6px"));
    statusBar()->addPermanentWidget(projectLabel_);
    connect(job_, &GpoProcess::event, this, &MainWindow::showJobEvent);
    connect(job_, &GpoProcess::finished, this,
            [this](bool ok, const QJsonObject& result, const QString& error) {
                jobBar_->hide();
                auto done = std::move(jobDone_);
                jobDone_ = {};
                refreshDatasets();
                reloadTrajectories(); // the job wrote into the project
                // Stopped by the user: however the child ended (between batches, or by the signal itself
                // while starting up), that is not a failure.
                if (job_->stopRequested())
                    statusBar()->showMessage(
                        tr("%1 stopped; what it finished is kept in the project.").arg(jobTitle_), 15000);
                else if (ok && done)
                    done(result);
                else if (!ok)
                    showError(tr("%1 failed").arg(jobTitle_), error);
            });
    connect(&loadJob_, &JobTracker::busyChanged, this, [this](bool busy) {
        if (busy) statusBar()->showMessage(tr("Loading…"));
    });
    resize(1280, 800);
    restoreLayout();
}

MainWindow::~MainWindow() {
    annotate_->setProject(
        nullptr); // commits the time spent on the trajectory shown, while the project is open
    delete job_;  // stops a running child before the members its signals would reach are gone
    loadJob_.cancel();
    writeJob_.cancel();
    heatmapJob_.cancel();
}

void MainWindow::buildLayout() {
    datasetFilter_ = new QComboBox(this);
    datasetFilter_->setMinimumWidth(160);
    datasetFilter_->setToolTip(tr("Show one dataset"));
    verdictFilter_ = new QComboBox(this);
    verdictFilter_->addItem(tr("Any verdict"), static_cast<int>(Correctness::Any));
    verdictFilter_->addItem(tr("Right"), static_cast<int>(Correctness::Correct));
    verdictFilter_->addItem(tr("Wrong"), static_cast<int>(Correctness::Incorrect));
    verdictFilter_->addItem(tr("Not verified"), static_cast<int>(Correctness::Unverified));
    textFilter_ = new QLineEdit(this);
    textFilter_->setPlaceholderText(tr("Search questions and responses (Ctrl+F)"));
    textFilter_->setClearButtonEnabled(true);
    countLabel_ = new QLabel(this);

    filterDelay_ = new QTimer(this);
    filterDelay_->setSingleShot(true);
    filterDelay_->setInterval(250); // typing: filter once the user pauses
    connect(filterDelay_, &QTimer::timeout, this, &MainWindow::reloadTrajectories);
    connect(textFilter_, &QLineEdit::textChanged, filterDelay_, qOverload<>(&QTimer::start));
    connect(datasetFilter_, &QComboBox::currentIndexChanged, this, &MainWindow::reloadTrajectories);
    connect(verdictFilter_, &QComboBox::currentIndexChanged, this, &MainWindow::reloadTrajectories);

    auto* filterBar = new QToolBar(tr("Filter"), this);
    filterBar->setObjectName(QStringLiteral("filterBar"));
    filterBar->setMovable(false);
    filterBar->addWidget(new QLabel(tr(" Dataset "), this));
    filterBar->addWidget(datasetFilter_);
    filterBar->addWidget(new QLabel(tr("  Verdict "), this));
    filterBar->addWidget(verdictFilter_);
    filterBar->addWidget(new QLabel(QStringLiteral("  "), this));
    filterBar->addWidget(textFilter_);
    filterBar->addWidget(new QLabel(QStringLiteral("  "), this));
    filterBar->addWidget(countLabel_);
    addToolBar(Qt::TopToolBarArea, filterBar);

    table_ = new QTableView(this);
    table_->setModel(model_);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setSelectionMode(QAbstractItemView::SingleSelection);
    table_->setAlternatingRowColors(true);
    table_->setWordWrap(false);
    table_->verticalHeader()->hide();
    table_->verticalHeader()->setDefaultSectionSize(22);
    table_->horizontalHeader()->setStretchLastSection(true);
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    // Every column but the question fits at the default width, leaving the question room to be read.
    table_->setColumnWidth(TrajectoryTableModel::Id, 50);
    table_->setColumnWidth(TrajectoryTableModel::Dataset, 92);
    table_->setColumnWidth(TrajectoryTableModel::Source, 96);
    table_->setColumnWidth(TrajectoryTableModel::Steps, 44);
    table_->setColumnWidth(TrajectoryTableModel::Verdict, 56);
    table_->setColumnWidth(TrajectoryTableModel::Analysed, 34);
    connect(table_->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &MainWindow::showCurrentTrajectory);

    view_ = new TrajectoryView(this);
    connect(view_, &TrajectoryView::rolloutsRequested, this, &MainWindow::showRollouts);
    valuePlot_ = new ValuePlot(this);
    valuePlot_->hide(); // until the trajectory shown has an analysis
    // Which analysis run the view shows: the newest finished one unless the user picks another.
    runBar_ = new QWidget(this);
    auto* runLayout = new QHBoxLayout(runBar_);
    runLayout->setContentsMargins(4, 2, 4, 2);
    runChoice_ = new QComboBox(runBar_);
    runChoice_->setToolTip(tr("The analysis run whose values and picks the view shows"));
    runChoice_->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    runLayout->addWidget(new QLabel(tr("Analysis run"), runBar_));
    runLayout->addWidget(runChoice_);
    runLayout->addStretch(1);
    runBar_->hide();
    connect(runChoice_, &QComboBox::activated, this, [this](int index) {
        chosenRun_ = runChoice_->itemData(index).toLongLong();
        showCurrentTrajectory();
    });
    auto* viewPane = new QWidget(this);
    auto* viewLayout = new QVBoxLayout(viewPane);
    viewLayout->setContentsMargins(0, 0, 0, 0);
    viewLayout->setSpacing(0);
    viewLayout->addWidget(runBar_);
    viewLayout->addWidget(view_);
    auto* detail = new QSplitter(Qt::Vertical, this);
    detail->addWidget(viewPane);
    detail->addWidget(valuePlot_);
    lineage_ = new TrajectoryLineage(this);
    lineage_->hide(); // until the trajectory shown made a pair
    detail->addWidget(lineage_);
    detail->setStretchFactor(0, 3);
    detail->setStretchFactor(1, 1);
    detail->setStretchFactor(2, 1);
    heatmap_ = new AdvantageHeatmap(this);
    connect(heatmap_, &AdvantageHeatmap::cellClicked, this, &MainWindow::openTrajectoryAt);
    tabs_ = new QTabWidget(this);
    tabs_->addTab(detail, tr("Trajectory"));
    tabs_->addTab(heatmap_, tr("Advantage Heatmap"));
    annotate_ = new AnnotationPanel(this);
    tabs_->addTab(annotate_, tr("Annotate"));
    connect(annotate_, &AnnotationPanel::failed, this,
            [this](const QString& message) { statusBar()->showMessage(message, 10000); });
    dashboard_ = new AgreementDashboard(this);
    connect(dashboard_, &AgreementDashboard::trajectoryActivated, this,
            [this](int64_t id) { showTrajectoryAnywhere(id, 0); });
    tabs_->addTab(dashboard_, tr("Agreement"));
    buildRunsTab();
    connect(tabs_, &QTabWidget::currentChanged, this, [this](int index) {
        if (tabs_->widget(index) == heatmap_) refreshHeatmap();
        if (tabs_->widget(index) == dashboard_) dashboard_->refresh();
        if (tabs_->widget(index) == annotate_) annotate_->reloadChoices();
        // Annotators see one trajectory at a time, not the list with its verdicts and labels.
        table_->setVisible(tabs_->widget(index) != annotate_ && tabs_->widget(index) != dashboard_ &&
                           tabs_->widget(index) != runs_);
        updateKeyOwnership();
    });
    splitter_ = new QSplitter(Qt::Horizontal, this);
    splitter_->addWidget(table_);
    splitter_->addWidget(tabs_);
    splitter_->setStretchFactor(0, 5);
    splitter_->setStretchFactor(1, 6);
    splitter_->setSizes({600, 680});
    setCentralWidget(splitter_);
}

void MainWindow::buildActions() {
    auto* file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&New Project…"), QKeySequence::New, this, &MainWindow::newProject);
    file->addAction(tr("&Open Project…"), QKeySequence::Open, this, &MainWindow::chooseProject);
    file->addAction(tr("Open &Demo Project"), this, &MainWindow::openDemoProject);
    recentMenu_ = file->addMenu(tr("&Recent Projects"));
    connect(recentMenu_, &QMenu::aboutToShow, this, &MainWindow::fillRecentProjects);
    file->addSeparator();
    file->addAction(tr("E&xport Listed Trajectories…"), this, &MainWindow::chooseTrajectoryExport);
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, qApp, &QApplication::closeAllWindows);

    auto* projectMenu = menuBar()->addMenu(tr("&Project"));
    projectMenu->addAction(tr("&Import Dataset…"), QKeySequence(Qt::CTRL | Qt::Key_I), this,
                           &MainWindow::importDataset);
    projectMenu->addAction(tr("&Verify Answers"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_V), this,
                           &MainWindow::verifyAnswers);
    projectMenu->addAction(tr("&Evaluate Default Policy on Dataset"), QKeySequence(Qt::CTRL | Qt::Key_E),
                           this, &MainWindow::evaluatePolicy);
    projectMenu->addAction(tr("Add Policy &Checkpoint…"), this, [this] {
        if (!project_) return;
        AddPolicyDialog dialog(projectPath(), this);
        dialog.exec();
    });
    projectMenu->addAction(tr("&Reload"), QKeySequence::Refresh, this, [this] {
        refreshDatasets();
        reloadTrajectories();
    });

    auto* analysis = menuBar()->addMenu(tr("&Analysis"));
    analysis->addAction(tr("&Analyze Trajectories in List…"), QKeySequence(Qt::CTRL | Qt::Key_R), this,
                        &MainWindow::analyzeTrajectories);
    analysis->addAction(tr("&Resume Last Analysis"), this, [this] { continueAnalysis(false); });
    analysis->addAction(tr("Add Rollouts Where &Unclear"), this, [this] { continueAnalysis(true); });
    analysis->addSeparator();
    analysis->addAction(tr("Show Advantage &Heatmap"), QKeySequence(Qt::CTRL | Qt::Key_H), this,
                        [this] { tabs_->setCurrentWidget(heatmap_); });

    auto* go = menuBar()->addMenu(tr("&Go"));
    go->addAction(tr("&Find"), QKeySequence::Find, this, [this] {
        textFilter_->setFocus();
        textFilter_->selectAll();
    });
    auto step = [this](int delta) {
        const int row = std::clamp(table_->currentIndex().row() + delta, 0, model_->rowCount() - 1);
        if (model_->rowCount() > 0) table_->setCurrentIndex(model_->index(row, 0));
    };
    nextTrajectory_ =
        go->addAction(tr("&Next Trajectory"), QKeySequence(Qt::Key_J), this, [step] { step(1); });
    previousTrajectory_ =
        go->addAction(tr("&Previous Trajectory"), QKeySequence(Qt::Key_K), this, [step] { step(-1); });
    go->addAction(tr("Trajectory &List"), QKeySequence(Qt::CTRL | Qt::Key_L), this,
                  [this] { table_->setFocus(); });

    auto* study = menuBar()->addMenu(tr("&Study"));
    study->addAction(tr("&New Study from List…"), this, &MainWindow::newStudy);
    study->addAction(tr("&Annotate"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_A), this,
                     [this] { tabs_->setCurrentWidget(annotate_); });
    study->addAction(tr("A&greement Dashboard"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_G), this,
                     [this] { tabs_->setCurrentWidget(dashboard_); });
    study->addSeparator();
    study->addAction(tr("&Export Study Pack…"), this, &MainWindow::chooseStudyPackExport);
    study->addAction(tr("&Merge Returned Packs…"), this, &MainWindow::chooseStudyPacksToMerge);
    study->addAction(tr("Import Dataset &Labels as Annotator"), this, &MainWindow::importDatasetLabels);

    buildTrainingMenu();

    auto* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&Keyboard Shortcuts"), QKeySequence::HelpContents, this, [this] {
        QMessageBox box(QMessageBox::NoIcon, tr("Keyboard Shortcuts"), shortcutsHtml(), QMessageBox::Close,
                        this);
        box.setTextFormat(Qt::RichText);
        box.exec();
    });
    help->addAction(tr("&Plugins…"), this, [this] {
        QStringList folders;
        for (const auto& f : plugins::pluginFolders())
            folders << QString::fromStdString(f);
        PluginsDialog(registry_, folders, this).exec();
    });
    help->addAction(tr("&About GPO Studio"), this,
                    [this] { QMessageBox::about(this, tr("About GPO Studio"), aboutHtml()); });
}

QString MainWindow::aboutHtml() {
    // LibTorch lives in gpo, not in the studio: ask it what it was built with and what it finds.
    QProcess gpo;
    gpo.start(GpoProcess::executable(), {QStringLiteral("--version")});
    QString engine = tr("the gpo command was not found beside the studio or on PATH");
    if (gpo.waitForFinished(10000) && gpo.exitCode() == 0)
        engine = QString::fromUtf8(gpo.readAllStandardOutput()).trimmed().toHtmlEscaped();
    return tr("<b>GPO Studio</b> %1 (commit %2)<p>Critical-step analysis and training of reasoning language "
              "models (Guided Pivotal Optimization).</p><p>Engine: %3</p><p>Plugin API version %4.</p>")
        .arg(QString::fromStdString(version()), QString::fromStdString(gitCommit()), engine)
        .arg(kPluginApiVersion);
}

QString MainWindow::projectPath() const {
    return project_ ? QString::fromStdString(project_->path()) : QString();
}

bool MainWindow::openProject(const QString& path, bool create) {
    try {
        auto project = std::make_unique<Project>(
            Project::open(path.toStdString(), create ? OpenMode::Create : OpenMode::Existing));
        loadJob_.cancel();
        annotate_->setProject(nullptr);
        project_ = std::move(project);
    } catch (const std::exception& e) {
        showError(tr("Cannot open project"), QString::fromStdString(e.what()));
        return false;
    }
    QSettings().setValue(QStringLiteral("lastProject"), path);
    rememberRecentProject(QFileInfo(path).absoluteFilePath());
    setWindowTitle(tr("%1 — GPO Studio").arg(QFileInfo(path).fileName()));
    projectLabel_->setText(QDir::toNativeSeparators(QFileInfo(path).absoluteFilePath()));
    projectLabel_->setToolTip(tr("The open project file"));
    // Nothing of the previous project may stay on screen: every view starts empty and reloads.
    heatmapJob_.cancel();
    chosenRun_.reset();
    model_->clear();
    view_->showMessage(tr("Select a trajectory."));
    valuePlot_->clearAnalysis();
    valuePlot_->hide();
    runBar_->hide();
    heatmap_->setRows({});
    annotate_->setProject(project_.get());
    dashboard_->setProjectPath(path);
    runs_->setProjectPath(path);
    runs_->restoreState(); // the filters, detail tab and run selected when the studio last closed
    if (tabs_->currentWidget() == dashboard_) dashboard_->refresh();
    refreshDatasets();
    reloadTrajectories();
    // A study pack sent to an annotator opens straight into its study.
    try {
        if (const auto pack = packOrigin(*project_)) {
            tabs_->setCurrentWidget(annotate_);
            if (!pack->annotator.empty())
                annotate_->start(QString::fromStdString(pack->study),
                                 QString::fromStdString(pack->annotator));
            else
                annotate_->reloadChoices();
        }
    } catch (const std::exception& e) {
        showError(tr("Study pack"), QString::fromStdString(e.what()));
    }
    return true;
}

bool MainWindow::openDemoProject() {
    const QString path = defaultDemoProjectPath();
    try {
        QApplication::setOverrideCursor(Qt::WaitCursor);
        ensureDemoProject(path, registry_);
        QApplication::restoreOverrideCursor();
    } catch (const std::exception& e) {
        QApplication::restoreOverrideCursor();
        showError(tr("Cannot create the demo project"), QString::fromStdString(e.what()));
        return false;
    }
    if (!openProject(path)) return false;
    completeDemoProject();
    return true;
}

bool MainWindow::isRunningJob() const {
    return job_->isRunning();
}

void MainWindow::completeDemoProject() {
    bool answered = false;
    try {
        // A finished sampling run, not just some answers: a run stopped half-way is taken up again.
        // "demo-policy" is the name `gpo demo` registers the demo policy under.
        AnalysisConfig planted; // the run gpo demo makes: demo-test's planted errors, K = 4
        planted.selection.dataset = "demo-test";
        planted.selection.source = "planted-error";
        planted.sampling.policy = "demo-policy";
        planted.k = 4;
        answered = hasFinishedRun(*project_, "eval", evalRunName("demo-policy", "demo-test")) &&
                   hasFinishedRun(*project_, "analysis", analysisRunName(planted)) &&
                   defaultPolicy(*project_);
    } catch (const std::exception&) {
    }
    if (answered) return;
    runGpo(tr("Demo project"), {QStringLiteral("demo"), QStringLiteral("--project"), projectPath()},
           [this](const QJsonObject& r) {
               const QJsonObject eval = r[QStringLiteral("eval")].toObject();
               statusBar()->showMessage(
                   tr("Demo project ready: the demo policy answered %1 demo-test problems (pass@1 %2%) and "
                      "analysed %3 planted-error trajectories")
                       .arg(eval[QStringLiteral("problems")].toInt())
                       .arg(100.0 * eval[QStringLiteral("pass_at_1")].toDouble(), 0, 'f', 1)
                       .arg(r[QStringLiteral("analysis")].toObject()[QStringLiteral("trajectories")].toInt()),
                   15000);
           });
}

void MainWindow::runGpo(const QString& title, const QStringList& args,
                        std::function<void(const QJsonObject&)> done) {
    if (job_->isRunning()) {
        showError(title, tr("%1 is still running.").arg(jobTitle_));
        return;
    }
    jobTitle_ = title;
    jobDone_ = std::move(done);
    jobLabel_->setText(title + tr(": starting…"));
    jobProgress_->setRange(0, 0);
    jobBar_->show();
    job_->start(args);
}

void MainWindow::showJobEvent(const QJsonObject& e) {
    const QString kind = e[QStringLiteral("event")].toString();
    if (kind == QLatin1String("stage")) {
        jobLabel_->setText(jobTitle_ + QStringLiteral(": ") + e[QStringLiteral("stage")].toString());
        jobProgress_->setRange(0, 0);
    } else if (kind == QLatin1String("progress") && e.contains(QStringLiteral("trajectory_id"))) {
        // An analysis: one event per finished trajectory, whose results are in the project now.
        const int done = e[QStringLiteral("done")].toInt(), total = e[QStringLiteral("total")].toInt();
        jobProgress_->setRange(0, total);
        jobProgress_->setValue(done);
        jobLabel_->setText(tr("%1: %2/%3 trajectories, %4 rollouts, about %5 s left")
                               .arg(jobTitle_)
                               .arg(done)
                               .arg(total)
                               .arg(e[QStringLiteral("rollouts_drawn")].toInt())
                               .arg(qRound(e[QStringLiteral("eta_seconds")].toDouble())));
        if (view_->trajectoryId() &&
            *view_->trajectoryId() == static_cast<int64_t>(e[QStringLiteral("trajectory_id")].toDouble()))
            showCurrentTrajectory();
        // The heatmap grows as results land, redrawn at most once a second.
        if (tabs_->currentWidget() == heatmap_ &&
            (!heatmapRefreshed_.isValid() || heatmapRefreshed_.elapsed() > 1000))
            refreshHeatmap();
    } else if (kind == QLatin1String("progress")) {
        const int done = e[QStringLiteral("done")].toInt(), total = e[QStringLiteral("total")].toInt();
        jobProgress_->setRange(0, total);
        jobProgress_->setValue(done);
        jobLabel_->setText(tr("%1: %2/%3 problems, %4 of %5 answers right")
                               .arg(jobTitle_)
                               .arg(done)
                               .arg(total)
                               .arg(e[QStringLiteral("correct")].toInt())
                               .arg(e[QStringLiteral("samples")].toInt()));
    }
}

void MainWindow::evaluatePolicy() {
    if (!project_) return;
    const QString dataset = datasetFilter_->currentData().toString();
    std::optional<PolicyEntry> policy;
    try {
        policy = defaultPolicy(*project_);
    } catch (const std::exception& e) {
        showError(tr("Evaluate"), QString::fromStdString(e.what()));
        return;
    }
    if (!policy) {
        showError(tr("Evaluate"), tr("This project has no default policy yet. Register one with Project → "
                                     "Add Policy Checkpoint…, or\n"
                                     "gpo policy add --project %1 --name NAME --path CHECKPOINT --default")
                                      .arg(projectPath()));
        return;
    }
    if (dataset.isEmpty()) {
        showError(tr("Evaluate"), tr("Choose the dataset to evaluate on in the Dataset filter first."));
        return;
    }
    const QString name = QString::fromStdString(policy->name);
    runGpo(tr("Evaluating %1 on %2").arg(name, dataset),
           {QStringLiteral("eval"), QStringLiteral("--project"), projectPath(), QStringLiteral("--dataset"),
            dataset},
           [this, name, dataset](const QJsonObject& r) {
               statusBar()->showMessage(tr("%1 on %2: pass@1 %3% over %4 problems (greedy)")
                                            .arg(name, dataset)
                                            .arg(100.0 * r[QStringLiteral("pass_at_1")].toDouble(), 0, 'f', 1)
                                            .arg(r[QStringLiteral("problems")].toInt()),
                                        15000);
           });
}

QStringList MainWindow::filterArguments() const {
    QStringList args;
    const QString dataset = datasetFilter_->currentData().toString();
    if (!dataset.isEmpty()) args << QStringLiteral("--dataset") << dataset;
    switch (static_cast<Correctness>(verdictFilter_->currentData().toInt())) {
    case Correctness::Correct:
        args << QStringLiteral("--correct");
        break;
    case Correctness::Incorrect:
        args << QStringLiteral("--incorrect");
        break;
    case Correctness::Unverified:
        args << QStringLiteral("--unverified");
        break;
    case Correctness::Any:
        break;
    }
    const QString text = textFilter_->text().trimmed();
    if (!text.isEmpty()) args << QStringLiteral("--text") << text;
    return args;
}

void MainWindow::analyzeTrajectories() {
    if (!project_) return;
    if (model_->rowCount() == 0) {
        showError(tr("Analyze"), tr("No trajectory in the list to analyze."));
        return;
    }
    std::vector<int64_t> steps;
    QStringList policies;
    try {
        auto st = project_->db().prepare("SELECT n_steps FROM trajectories WHERE id = ?");
        for (const int64_t id : model_->ids()) {
            st.bind(1, id);
            if (st.step()) steps.push_back(st.columnInt(0));
            st.reset();
        }
        for (const auto& p : listPolicies(*project_))
            p.isDefault ? policies.prepend(QString::fromStdString(p.name))
                        : policies.append(QString::fromStdString(p.name));
    } catch (const std::exception& e) {
        showError(tr("Analyze"), QString::fromStdString(e.what()));
        return;
    }
    AnalyzeDialog dialog(registry_, tr("the %1 trajectories in the list").arg(model_->rowCount()), this,
                         steps, policies);
    if (dialog.exec() != QDialog::Accepted) return;
    analyzeList(dialog.arguments());
}

void MainWindow::analyzeList(const QStringList& options) {
    if (!project_) return;
    runGpo(tr("Analyzing"),
           QStringList{QStringLiteral("analyze"), QStringLiteral("--project"), projectPath()} +
               filterArguments() + options,
           [this](const QJsonObject& r) {
               statusBar()->showMessage(tr("Analysis done: %1 trajectories, %2 rollouts drawn, %3 reused.")
                                            .arg(r[QStringLiteral("analysed")].toInt())
                                            .arg(r[QStringLiteral("rollouts_drawn")].toInt())
                                            .arg(r[QStringLiteral("rollouts_reused")].toInt()),
                                        15000);
               showCurrentTrajectory();
               if (tabs_->currentWidget() == heatmap_) refreshHeatmap();
           });
}

void MainWindow::continueAnalysis(bool refine) {
    if (!project_) return;
    QStringList args{QStringLiteral("analyze"), QStringLiteral("--project"), projectPath()};
    if (refine)
        args << QStringLiteral("--more") << QStringLiteral("4");
    else
        args << QStringLiteral("--resume");
    runGpo(refine ? tr("Adding rollouts") : tr("Resuming the analysis"), args, [this](const QJsonObject& r) {
        statusBar()->showMessage(tr("Analysis: %1 more trajectories, %2 rollouts drawn.")
                                     .arg(r[QStringLiteral("analysed")].toInt())
                                     .arg(r[QStringLiteral("rollouts_drawn")].toInt()),
                                 15000);
        showCurrentTrajectory();
    });
}

void MainWindow::showRollouts(int64_t trajectoryId, int64_t runId, int prefix) {
    if (!project_) return;
    try {
        auto* dialog =
            new RolloutsDialog(rolloutsBehind(*project_, runId, trajectoryId, prefix), prefix, this);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->show();
    } catch (const std::exception& e) {
        showError(tr("Rollouts"), QString::fromStdString(e.what()));
    }
}

void MainWindow::refreshHeatmap() {
    if (!project_) return;
    heatmapRefreshed_.start();
    // Two small queries a trajectory, up to 5,000 of them: on a worker thread with its own connection.
    const std::string path = project_->path();
    const std::vector<int64_t> ids = model_->ids();
    heatmapJob_.run<std::vector<HeatmapRow>>(
        [path, ids](const JobTracker::CancelFlag&) {
            auto project = Project::open(path, OpenMode::ReadOnly);
            return AdvantageHeatmap::readRows(project, ids);
        },
        [this](std::vector<HeatmapRow> rows) {
            heatmap_->setRows(std::move(rows));
            emit heatmapLoaded();
        },
        [this](const QString& error) { showError(tr("Heatmap"), error); });
}

void MainWindow::openTrajectoryAt(int64_t trajectoryId, int step) {
    const int row = model_->rowOf(trajectoryId);
    if (row < 0) return;
    tabs_->setCurrentIndex(0);
    table_->setCurrentIndex(model_->index(row, 0));
    view_->scrollToAnchor(QStringLiteral("step-%1").arg(step));
}

void MainWindow::refreshDatasets() {
    const QString current = datasetFilter_->currentData().toString();
    QSignalBlocker block(datasetFilter_);
    datasetFilter_->clear();
    datasetFilter_->addItem(tr("All datasets"), QString());
    if (project_) {
        for (const auto& name : datasetNames(*project_))
            datasetFilter_->addItem(QString::fromStdString(name), QString::fromStdString(name));
    }
    const int idx = datasetFilter_->findData(current);
    datasetFilter_->setCurrentIndex(idx >= 0 ? idx : 0);
}

void MainWindow::reloadTrajectories() {
    filterDelay_->stop();
    if (!project_) {
        model_->clear();
        return;
    }
    TrajectoryFilter filter;
    filter.dataset = datasetFilter_->currentData().toString().toStdString();
    filter.correctness = static_cast<Correctness>(verdictFilter_->currentData().toInt());
    filter.text = textFilter_->text().trimmed().toStdString();
    const std::string path = project_->path();
    const int64_t keep = model_->idAt(table_->currentIndex().row());
    loading_ = true;
    // Filtering reads the whole project: on a worker thread, with its own connection.
    loadJob_.run<std::pair<std::vector<int64_t>, int>>(
        [path, filter](const JobTracker::CancelFlag&) {
            auto project = Project::open(path, OpenMode::ReadOnly);
            auto ids = trajectoryIds(project, filter);
            auto count = project.db().prepare("SELECT count(*) FROM trajectories");
            const int total = count.step() ? static_cast<int>(count.columnInt(0)) : 0;
            return std::make_pair(std::move(ids), total);
        },
        [this, keep](std::pair<std::vector<int64_t>, int> result) {
            total_ = result.second;
            model_->setIds(std::move(result.first));
            loading_ = false;
            const int row = model_->rowOf(keep);
            if (model_->rowCount() > 0) {
                table_->setCurrentIndex(model_->index(row >= 0 ? row : 0, 0));
            } else {
                view_->showMessage(
                    total_ ? tr("No trajectory matches the filters.")
                           : tr("This project has no trajectories yet: Project → Import Dataset…"));
                valuePlot_->clearAnalysis();
                valuePlot_->hide();
                runBar_->hide();
            }
            // The heatmap shows the listed trajectories: a new list is a new heatmap.
            if (tabs_->currentWidget() == heatmap_) refreshHeatmap();
            updateStatus();
            emit trajectoriesLoaded(model_->rowCount());
        },
        [this](const QString& error) {
            loading_ = false;
            showError(tr("Cannot load trajectories"), error);
        });
}

void MainWindow::showCurrentTrajectory() {
    const int64_t id = model_->idAt(table_->currentIndex().row());
    if (id < 0 || !project_) return;
    try {
        if (auto d = loadTrajectory(*project_, id)) {
            std::optional<TrajectoryAnalysis> analysis;
            if (const auto run = chooseAnalysisRun(id)) analysis = loadAnalysis(*project_, *run, id);
            view_->showTrajectory(*d, analysis);
            lineage_->showTrajectory(*project_, id);
            valuePlot_->setVisible(analysis.has_value());
            if (analysis) {
                const auto pick = analysis->picks.find("abs-advantage");
                valuePlot_->showAnalysis(*analysis, static_cast<int>(d->trajectory.steps.size()),
                                         d->trajectory.firstError,
                                         pick != analysis->picks.end() ? pick->second : std::nullopt);
            }
        } else {
            view_->showMessage(tr("Trajectory %1 no longer exists.").arg(id));
        }
    } catch (const std::exception& e) {
        view_->showMessage(QString::fromStdString(e.what()));
    }
}

std::optional<int64_t> MainWindow::chooseAnalysisRun(int64_t trajectoryId) {
    const std::vector<int64_t> runs = analysisRunsFor(*project_, trajectoryId);
    QSignalBlocker block(runChoice_);
    runChoice_->clear();
    runBar_->setVisible(!runs.empty());
    if (runs.empty()) return std::nullopt;
    std::optional<int64_t> newestDone, chosen;
    for (const int64_t run : runs) {
        const auto summary = runSummary(*project_, run);
        const QString state = summary ? QString::fromStdString(summary->state) : tr("unknown");
        QString label = tr("Run %1 · %2").arg(run).arg(state);
        if (summary) label += QStringLiteral(" · ") + QString::fromStdString(summary->name);
        if (summary && summary->resumable() && summary->status == "running")
            label += tr(" (its process ended: Analysis → Resume Last Analysis)");
        runChoice_->addItem(label, QVariant::fromValue<qlonglong>(run));
        if (!newestDone && summary && summary->state == "done") newestDone = run;
        if (chosenRun_ && *chosenRun_ == run) chosen = run;
    }
    if (!chosen) chosen = newestDone ? newestDone : std::optional<int64_t>(runs.front());
    runChoice_->setCurrentIndex(runChoice_->findData(QVariant::fromValue<qlonglong>(*chosen)));
    return chosen;
}

void MainWindow::verifyAnswers() {
    if (!project_) return;
    const std::string projectPath = project_->path();
    Registry* registry = &registry_;
    statusBar()->showMessage(tr("Verifying answers…"));
    writeJob_.run<VerifyReport>(
        [projectPath, registry](const JobTracker::CancelFlag&) {
            auto project = Project::open(projectPath, OpenMode::Existing);
            return verifyTrajectories(project, *registry, {});
        },
        [this](VerifyReport r) {
            reloadTrajectories();
            statusBar()->showMessage(
                tr("Verified %1 trajectories: %2 right (%3%); %4 without a reference answer")
                    .arg(r.n)
                    .arg(r.correct)
                    .arg(100.0 * r.accuracy(), 0, 'f', 1)
                    .arg(r.noReference.size()),
                10000);
        },
        [this](const QString& error) { showError(tr("Verification failed"), error); });
}

void MainWindow::updateKeyOwnership() {
    const bool annotating = tabs_->currentWidget() == annotate_;
    nextTrajectory_->setEnabled(!annotating);
    previousTrajectory_->setEnabled(!annotating);
}

void MainWindow::showError(const QString& title, const QString& message) {
    statusBar()->showMessage(message, 10000);
    if (!property("quiet").toBool()) QMessageBox::warning(this, title, message);
}

void MainWindow::updateStatus() {
    countLabel_->setText(tr("%1 of %2 trajectories").arg(model_->rowCount()).arg(total_));
    if (statusBar()->currentMessage() == tr("Loading…")) statusBar()->clearMessage(); // keep a job's news
}

} // namespace gpo::ui
