#include "runs_panel.h"

#include "detached_job.h"
#include "experiment_dialog.h"
#include "experiment_view.h"
#include "gpo_process.h"
#include "launch_run_dialog.h"
#include "policy_compare_dialog.h"
#include "run_curves.h"
#include "run_pairs_view.h"
#include "run_samples_view.h"
#include "runs_table_model.h"
#include "store/run_overview.h"

#include <QComboBox>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonDocument>
#include <QLabel>
#include <QPushButton>
#include <QSettings>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>
#include <set>

namespace gpo::ui {

RunsPanel::RunsPanel(QWidget* parent) : QWidget(parent) {
    kind_ = new QComboBox(this);
    kind_->addItem(tr("All kinds"), QString());
    kind_->addItem(tr("Training"), QStringLiteral("training"));
    kind_->addItem(tr("Analysis"), QStringLiteral("analysis"));
    kind_->addItem(tr("Evaluation"), QStringLiteral("eval"));
    kind_->addItem(tr("Experiment"), QStringLiteral("experiment"));
    state_ = new QComboBox(this);
    state_->addItem(tr("Any state"), QString());
    for (const char* s : {"running", "done", "failed", "cancelled", "stopped", "queued"})
        state_->addItem(QString::fromLatin1(s), QString::fromLatin1(s));
    newRun_ = new QPushButton(tr("New Run…"), this);
    newRun_->setToolTip(tr("Train a policy: a preset for each algorithm, with and without GPO"));
    stop_ = new QPushButton(tr("Stop"), this);
    stop_->setToolTip(tr("Ask the run to stop: it saves a checkpoint and can be resumed"));
    resume_ = new QPushButton(tr("Resume"), this);
    resume_->setToolTip(tr("Take a stopped, cancelled or failed training run up from its last checkpoint"));
    compare_ = new QPushButton(tr("Compare Policies…"), this);
    compare_->setToolTip(
        tr("pass@1 of two policies on a dataset, and the problems one solves and the other not"));
    count_ = new QLabel(this);
    notice_ = new QLabel(this);
    notice_->setWordWrap(true);
    notice_->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::LinksAccessibleByMouse);
    notice_->setStyleSheet(QStringLiteral("QLabel { color: #b91c1c; padding: 2px 6px; }"));
    notice_->hide();
    connect(notice_, &QLabel::linkActivated, notice_, &QLabel::hide);
    auto* bar = new QHBoxLayout;
    bar->setContentsMargins(4, 4, 4, 0);
    bar->addWidget(kind_);
    bar->addWidget(state_);
    bar->addWidget(count_);
    bar->addStretch(1);
    bar->addWidget(newRun_);
    bar->addWidget(stop_);
    bar->addWidget(resume_);
    bar->addWidget(compare_);

    model_ = new RunsTableModel(this);
    table_ = new QTableView(this);
    table_->setModel(model_);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setSelectionMode(QAbstractItemView::ExtendedSelection);
    table_->setAlternatingRowColors(true);
    table_->verticalHeader()->hide();
    table_->verticalHeader()->setDefaultSectionSize(22);
    table_->horizontalHeader()->setStretchLastSection(true);
    table_->setWordWrap(false);
    table_->setToolTip(tr("Select runs to overlay their curves (Ctrl or Shift for several)"));
    table_->setColumnWidth(RunsTableModel::Id, 44);
    table_->setColumnWidth(RunsTableModel::Name, 200);
    connect(table_->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &RunsPanel::selectionChanged);

    curves_ = new RunCurves(this);
    samples_ = new RunSamplesView(this);
    pairs_ = new RunPairsView(this);
    experiment_ = new ExperimentView(this);
    details_ = new QTabWidget(this);
    details_->addTab(curves_, tr("Curves"));
    details_->addTab(samples_, tr("Samples"));
    details_->addTab(pairs_, tr("Pairs"));
    details_->addTab(experiment_, tr("Experiment"));
    connect(pairs_, &RunPairsView::trajectoryActivated, this, &RunsPanel::trajectoryActivated);
    // New points in the curves: the table's step follows at once, not at its next re-read.
    connect(curves_, &RunCurves::polled, this, [this](size_t points) {
        if (points > 0 && (!sinceRefresh_.isValid() || sinceRefresh_.elapsed() > 1000)) refresh();
    });

    auto* split = new QSplitter(Qt::Vertical, this);
    split->addWidget(table_);
    split->addWidget(details_);
    // The list shows at least eight runs before the curves take the rest.
    table_->setMinimumHeight(table_->horizontalHeader()->sizeHint().height() + 8 * 22 + 4);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 3);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(bar);
    layout->addWidget(notice_);
    layout->addWidget(split, 1);

    connect(kind_, &QComboBox::currentIndexChanged, this, &RunsPanel::refresh);
    connect(state_, &QComboBox::currentIndexChanged, this, &RunsPanel::refresh);
    connect(newRun_, &QPushButton::clicked, this, &RunsPanel::newRun);
    connect(compare_, &QPushButton::clicked, this, &RunsPanel::comparePolicies);
    connect(stop_, &QPushButton::clicked, this, [this] {
        for (int64_t id : selectedRuns())
            if (const QString e = stopRun(id); !e.isEmpty()) emit message(e);
    });
    connect(resume_, &QPushButton::clicked, this, [this] {
        for (int64_t id : selectedRuns())
            if (const QString e = resumeRun(id); !e.isEmpty()) emit message(e);
    });
    refreshTimer_.setInterval(2000);
    connect(&refreshTimer_, &QTimer::timeout, this, &RunsPanel::refresh);
    updateButtons();
}

RunsPanel::~RunsPanel() = default;

void RunsPanel::setProjectPath(const QString& path) {
    project_.reset();
    projectPath_ = path;
    detailsRun_ = -1;
    curves_->setProjectPath(path);
    samples_->setRunFolder({});
    pairs_->clear();
    if (!path.isEmpty()) project_ = std::make_unique<Project>(Project::open(path.toStdString()));
    model_->setRuns({});
    refresh();
}

void RunsPanel::refresh() {
    if (!project_) return;
    sinceRefresh_.start();
    const std::vector<int64_t> selected = selectedRuns();
    std::vector<RunOverview> runs;
    const std::string state = state_->currentData().toString().toStdString();
    try {
        for (RunOverview& o : listRunOverviews(*project_, kind_->currentData().toString().toStdString()))
            if (state.empty() || o.run.state == state) runs.push_back(std::move(o));
    } catch (const std::exception& e) {
        emit message(QString::fromStdString(e.what()));
        return;
    }
    count_->setText(tr("%n run(s)", nullptr, static_cast<int>(runs.size())));
    if (model_->setRuns(std::move(runs))) selectRuns(selected);
    updateButtons();
    updatePreparing();
    // The selected run's samples grow while it runs (only what was appended is read).
    if (detailsRun_ >= 0) samples_->refresh();
}

bool RunsPanel::selectRun(int64_t runId) {
    if (model_->rowOf(runId) < 0) {
        kind_->setCurrentIndex(0);
        state_->setCurrentIndex(0);
        refresh();
    }
    const int row = model_->rowOf(runId);
    if (row < 0) return false;
    table_->selectRow(row);
    table_->scrollTo(model_->index(row, 0));
    return true;
}

void RunsPanel::selectRuns(const std::vector<int64_t>& runIds) {
    QItemSelection selection;
    for (int64_t id : runIds) {
        const int row = model_->rowOf(id);
        if (row >= 0)
            selection.select(model_->index(row, 0), model_->index(row, RunsTableModel::ColumnCount - 1));
    }
    table_->selectionModel()->select(selection, QItemSelectionModel::ClearAndSelect);
}

std::vector<int64_t> RunsPanel::selectedRuns() const {
    std::vector<int64_t> out;
    for (const QModelIndex& index : table_->selectionModel()->selectedRows())
        out.push_back(model_->run(index.row()).run.id);
    std::sort(out.begin(), out.end());
    return out;
}

void RunsPanel::selectionChanged() {
    const std::vector<int64_t> ids = selectedRuns();
    std::vector<RunCurves::RunRef> refs;
    for (int64_t id : ids) {
        const RunOverview& o = model_->run(model_->rowOf(id));
        refs.push_back({id, QStringLiteral("%1 %2").arg(id).arg(QString::fromStdString(o.run.name)),
                        QString::fromStdString(o.run.name)});
    }
    // Keep the curves when only the table was re-read.
    bool same = refs.size() == curves_->runs().size();
    for (size_t i = 0; same && i < refs.size(); ++i)
        same = refs[i].id == curves_->runs()[i].id;
    if (!same) {
        curves_->setRuns(refs);
        std::map<int64_t, QColor> colours;
        for (size_t i = 0; i < refs.size(); ++i)
            colours[refs[i].id] = RunCurves::runColour(i);
        model_->setColours(std::move(colours));
    }
    showDetails(ids.size() == 1 ? ids.front() : -1);
    updateButtons();
}

void RunsPanel::showDetails(int64_t runId) {
    if (runId == detailsRun_) return;
    detailsRun_ = runId;
    if (runId < 0 || !project_) {
        samples_->setRunFolder({});
        pairs_->clear();
        return;
    }
    samples_->setRunFolder(QString::fromStdString(runFolderOf(project_->path(), runId)));
    pairs_->showRun(*project_, runId);
    const RunOverview& o = model_->run(model_->rowOf(runId));
    if (o.run.kind == "experiment") {
        const nlohmann::json config = runConfig(*project_, runId);
        const std::string dir =
            config.is_object() && config.contains("out_dir") && config["out_dir"].is_string()
                ? config["out_dir"].get<std::string>()
                : project_->path() + "." + o.run.name;
        experiment_->showFile(QString::fromStdString(dir + "/experiment.json"));
    } else {
        experiment_->showSummary(nlohmann::json::array());
    }
    details_->setTabEnabled(details_->indexOf(experiment_), o.run.kind == "experiment");
}

void RunsPanel::updateButtons() {
    const auto ids = selectedRuns();
    bool canStop = false, canResume = false;
    for (int64_t id : ids) {
        const RunOverview& o = model_->run(model_->rowOf(id));
        canStop |= o.run.state == "running" || o.run.state == "queued";
        canResume |= o.run.kind == "training" && o.run.resumable();
    }
    stop_->setEnabled(canStop);
    resume_->setEnabled(canResume);
    resume_->setToolTip(
        ids.size() == 1 && canResume
            ? RunsTableModel::resumeText(model_->run(model_->rowOf(ids.front())))
            : tr("Take a stopped, cancelled or failed training run up from its last checkpoint"));
    newRun_->setEnabled(project_ != nullptr);
    compare_->setEnabled(project_ != nullptr);
}

void RunsPanel::updatePreparing() {
    const auto ids = selectedRuns();
    QString text;
    if (ids.size() == 1) {
        const RunOverview& o = model_->run(model_->rowOf(ids.front()));
        if (const std::string p = o.preparing(); !p.empty())
            text = tr("Run %1 is %2. Its curves start with the first step it logs.")
                       .arg(o.run.id)
                       .arg(QString::fromStdString(p));
    }
    curves_->setEmptyText(text);
}

void RunsPanel::showFailure(int64_t runId, const QString& error) {
    // The project's path says nothing the user does not know, and pushes the cause out of sight.
    QString cause = error;
    if (!projectPath_.isEmpty()) cause.replace(projectPath_, QFileInfo(projectPath_).fileName());
    notice_->setText(
        tr("Run %1 failed: %2 <a href=\"dismiss\">Dismiss</a>")
            .arg(runId > 0 ? QString::number(runId) : tr("(not started)"), cause.toHtmlEscaped()));
    notice_->setToolTip(error);
    notice_->show();
}

QString RunsPanel::configFolder() const {
    return projectPath_ + QStringLiteral(".runs/configs");
}

QString RunsPanel::launch(const QStringList& args, const QString& what, int64_t runId) {
    const QString logs = projectPath_ + QStringLiteral(".runs/logs");
    if (!QDir().mkpath(logs)) return tr("Cannot create %1").arg(logs);
    QString base = what;
    base.replace(QRegularExpression(QStringLiteral("[^A-Za-z0-9._-]")), QStringLiteral("_"));
    base = QDir(logs).filePath(base +
                               QDateTime::currentDateTime().toString(QStringLiteral("-yyyyMMdd-HHmmss-zzz")));
    auto* job = new DetachedJob(args, base, this);
    if (!job->isRunning()) {
        const QString error = job->error();
        delete job;
        return error;
    }
    children_.push_back({job, runId});
    connect(job, &DetachedJob::event, this, [this](const QJsonObject& e) {
        if (e.value(QStringLiteral("event")).toString() == QLatin1String("resume"))
            emit message(tr("Run %1 resumed from step %2, its checkpoint")
                             .arg(e.value(QStringLiteral("run_id")).toInteger())
                             .arg(e.value(QStringLiteral("from_step")).toInteger()));
    });
    connect(job, &DetachedJob::event, this, [this, job](const QJsonObject& e) {
        if (!e.contains(QStringLiteral("run_id"))) return;
        for (Child& c : children_)
            if (c.job == job && c.runId == 0) {
                c.runId = e.value(QStringLiteral("run_id")).toInteger();
                refresh();
                selectRun(c.runId); // follow what the user just started
            }
    });
    connect(job, &DetachedJob::finished, this,
            [this, job, what](bool ok, const QJsonObject& result, const QString& error) {
                int64_t id = result.value(QStringLiteral("run_id")).toInteger();
                for (auto it = children_.begin(); it != children_.end(); ++it)
                    if (it->job == job) {
                        if (id == 0) id = it->runId;
                        children_.erase(it);
                        break;
                    }
                job->deleteLater();
                refresh();
                curves_->poll(); // its last points, before anyone looks
                // A run stopped on request exits cleanly too: say how the project recorded it.
                QString ended = tr("done");
                if (ok && id > 0 && project_)
                    if (const auto run = runSummary(*project_, id))
                        ended = QString::fromStdString(run->state);
                emit message(ok ? tr("%1: %2").arg(what, ended) : tr("%1: %2").arg(what, error));
                if (!ok) showFailure(id, error);
                emit runEnded(id, ok, error);
            });
    return {};
}

QString RunsPanel::startRun(const QJsonObject& config, bool slurm, int ranks) {
    if (!project_) return tr("Open a project first");
    if (!QDir().mkpath(configFolder())) return tr("Cannot create %1").arg(configFolder());
    QString name = config.value(QStringLiteral("run_name")).toString();
    if (name.isEmpty()) name = config.value(QStringLiteral("algorithm")).toString(QStringLiteral("run"));
    name.replace(QRegularExpression(QStringLiteral("[^A-Za-z0-9._-]")), QStringLiteral("_"));
    const QString path =
        QDir(configFolder())
            .filePath(name + QDateTime::currentDateTime().toString(QStringLiteral("-yyyyMMdd-HHmmss")) +
                      QStringLiteral(".json"));
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate)) return tr("Cannot write %1").arg(path);
    f.write(QJsonDocument(config).toJson());
    f.close();
    QStringList args{QStringLiteral("train"), QStringLiteral("-p"), projectPath_, QStringLiteral("-c"), path};
    if (slurm) args << QStringLiteral("--slurm");
    if (ranks > 1) args << QStringLiteral("--nproc") << QString::number(ranks);
    if (const QString e = launch(args, tr("Training %1").arg(name)); !e.isEmpty()) return e;
    emit message(tr("Started training %1 (%2)").arg(name, path));
    return {};
}

QString RunsPanel::startExperiment(const QStringList& options) {
    if (!project_) return tr("Open a project first");
    if (const QString e =
            launch(QStringList{QStringLiteral("experiment"), QStringLiteral("-p"), projectPath_} + options,
                   tr("Experiment"));
        !e.isEmpty())
        return e;
    emit message(tr("Started the experiment: its runs appear here as they start"));
    return {};
}

QString RunsPanel::stopRun(int64_t runId) {
    for (Child& c : children_)
        if (c.runId == runId) {
            c.job->stop();
            emit message(tr("Stopping run %1: it saves a checkpoint first").arg(runId));
            return {};
        }
    // Started elsewhere (the CLI, an earlier studio, Slurm): gpo runs --cancel finds its process or job.
    auto* cancel = new GpoProcess(this);
    connect(cancel, &GpoProcess::finished, this,
            [this, cancel, runId](bool ok, const QJsonObject&, const QString& error) {
                cancel->deleteLater();
                emit message(ok ? tr("Asked run %1 to stop").arg(runId)
                                : tr("Stopping run %1: %2").arg(runId).arg(error));
                refresh();
            });
    cancel->start({QStringLiteral("runs"), QStringLiteral("-p"), projectPath_, QStringLiteral("--cancel"),
                   QString::number(runId)});
    return {};
}

QString RunsPanel::resumeRun(int64_t runId) {
    if (!project_) return tr("Open a project first");
    const auto run = runSummary(*project_, runId);
    if (!run) return tr("The project has no run %1").arg(runId);
    if (run->kind != "training")
        return tr("Run %1 is %2: resume it from its own menu")
            .arg(runId)
            .arg(QString::fromStdString(run->kind));
    if (!run->resumable())
        return tr("Run %1 is %2, not resumable").arg(runId).arg(QString::fromStdString(run->state));
    nlohmann::json config = runConfig(*project_, runId);
    if (!config.is_object()) return tr("Run %1 has no config to resume with").arg(runId);
    config.erase("resolved");
    config.erase("slurm");
    if (!QDir().mkpath(configFolder())) return tr("Cannot create %1").arg(configFolder());
    const QString path = QDir(configFolder()).filePath(QStringLiteral("run-%1.json").arg(runId));
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate)) return tr("Cannot write %1").arg(path);
    f.write(QByteArray::fromStdString(config.dump(2)));
    f.close();
    if (const QString e = launch({QStringLiteral("train"), QStringLiteral("-p"), projectPath_,
                                  QStringLiteral("-c"), path, QStringLiteral("--resume")},
                                 tr("Resuming run %1").arg(runId), runId);
        !e.isEmpty())
        return e;
    const auto overview = runOverview(*project_, runId);
    emit message(tr("Resuming run %1. %2")
                     .arg(runId)
                     .arg(overview ? RunsTableModel::resumeText(*overview) : QString()));
    return {};
}

int RunsPanel::activeRuns() const {
    return static_cast<int>(children_.size());
}

QStringList RunsPanel::runningRuns() const {
    QStringList names;
    for (int row = 0; row < model_->rowCount(); ++row) {
        const RunSummary& r = model_->run(row).run;
        if (r.state == "running" || r.state == "running elsewhere")
            names << tr("%1 (run %2)").arg(QString::fromStdString(r.name)).arg(r.id);
    }
    return names;
}

void RunsPanel::saveState() const {
    QSettings settings;
    settings.setValue(QStringLiteral("runs/kind"), kind_->currentData());
    settings.setValue(QStringLiteral("runs/state"), state_->currentData());
    settings.setValue(QStringLiteral("runs/detailTab"), details_->currentIndex());
    const auto selected = selectedRuns();
    if (!projectPath_.isEmpty())
        settings.setValue(QStringLiteral("runs/selected/") +
                              QString::fromLatin1(projectPath_.toUtf8().toHex()),
                          selected.empty() ? QVariant() : QVariant::fromValue<qlonglong>(selected.front()));
}

void RunsPanel::restoreState() {
    const QSettings settings;
    for (auto [box, key] : {std::pair{kind_, "runs/kind"}, std::pair{state_, "runs/state"}})
        if (const int i = box->findData(settings.value(QString::fromLatin1(key)).toString()); i >= 0)
            box->setCurrentIndex(i);
    details_->setCurrentIndex(settings.value(QStringLiteral("runs/detailTab"), 0).toInt());
    refresh();
    if (projectPath_.isEmpty()) return;
    const QVariant run =
        settings.value(QStringLiteral("runs/selected/") + QString::fromLatin1(projectPath_.toUtf8().toHex()));
    if (run.isValid()) selectRun(run.toLongLong());
}

void RunsPanel::newRun() {
    if (!project_) return;
    LaunchRunDialog dialog(projectPath_, this);
    if (dialog.exec() != QDialog::Accepted) return;
    if (const QString e = startRun(dialog.config(), dialog.useSlurm(), dialog.ranks()); !e.isEmpty())
        emit message(e);
}

void RunsPanel::newExperiment() {
    if (!project_) return;
    ExperimentDialog dialog(this);
    if (dialog.exec() != QDialog::Accepted) return;
    if (const QString e = startExperiment(dialog.arguments()); !e.isEmpty()) emit message(e);
}

void RunsPanel::comparePolicies() {
    if (!project_) return;
    // A window of its own, not a dialog kept above the studio: the trajectory it opens comes to the front.
    auto* dialog = new PolicyCompareDialog(projectPath_, nullptr);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(this, &QObject::destroyed, dialog, &QWidget::close);
    connect(dialog, &PolicyCompareDialog::trajectoryActivated, this, [this](int64_t id, int step) {
        emit trajectoryActivated(id, step);
        window()->raise();
        window()->activateWindow();
    });
    dialog->show();
}

void RunsPanel::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    refresh();
    refreshTimer_.start();
}

void RunsPanel::hideEvent(QHideEvent* event) {
    QWidget::hideEvent(event);
    refreshTimer_.stop();
}

} // namespace gpo::ui
