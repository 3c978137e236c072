// The main window's Study menu: new studies from the trajectory list, study packs out to annotators and
// back, and datasets' human labels brought in as annotators. The Annotate and Agreement tabs live in
// annotation_panel and agreement_dashboard.
#include "agreement_dashboard.h"
#include "annotation_panel.h"
#include "main_window.h"
#include "new_study_dialog.h"
#include "store/analysis.h"
#include "store/annotations.h"
#include "store/label_import.h"
#include "store/study_pack.h"
#include "trajectory_table_model.h"

#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QInputDialog>
#include <QLineEdit>
#include <QMessageBox>
#include <QStatusBar>
#include <QTabWidget>

namespace gpo::ui {

void MainWindow::newStudy() {
    if (!project_) return;
    if (model_->rowCount() == 0) {
        showError(tr("New Study"), tr("No trajectory in the list: a study is made from the trajectories the "
                                      "filters show."));
        return;
    }
    NewStudyDialog dialog(model_->rowCount(), this);
    if (dialog.exec() != QDialog::Accepted) return;
    createStudyFromList(dialog.name(), dialog.config(), dialog.sample());
}

bool MainWindow::createStudyFromList(const QString& name, const StudyConfig& config, int sample) {
    if (!project_) return false;
    int unanalysed = 0, total = 0;
    try {
        std::vector<int64_t> ids = model_->ids();
        if (sample > 0) ids = seededSample(ids, static_cast<size_t>(sample), config.seed);
        createStudy(*project_, name.toStdString(), config, ids);
        for (const auto& a : config.annotators)
            ensureAnnotator(*project_, a);
        // People's picks are compared with the model's: say how many trajectories have no model pick yet.
        total = static_cast<int>(ids.size());
        for (const int64_t id : ids)
            unanalysed += latestAnalysisRunFor(*project_, id) ? 0 : 1;
    } catch (const std::exception& e) {
        showError(tr("New Study"), QString::fromStdString(e.what()));
        return false;
    }
    annotate_->reloadChoices();
    tabs_->setCurrentWidget(annotate_);
    const QString analysed =
        unanalysed == 0
            ? tr("All %1 trajectories have a model analysis.").arg(total)
            : tr("%1 of its %2 trajectories have no model analysis yet: their answers will not be "
                 "compared with a selector until they are analysed (Analysis → Analyze Trajectories "
                 "in List…).")
                  .arg(unanalysed)
                  .arg(total);
    statusBar()->showMessage(
        tr("Study %1 created. %2 Type your name and press Start to annotate, or export a "
           "pack per annotator (Study → Export Study Pack…).")
            .arg(name, analysed),
        20000);
    return true;
}

QString MainWindow::exportStudyPack(const QString& study, const QString& annotator, const QString& path) {
    if (!project_) return tr("no project is open");
    try {
        const Study s = requireStudy(*project_, study.toStdString());
        const PackExport r = gpo::exportStudyPack(
            *project_, s, path.toStdString(),
            annotator.isEmpty() ? std::nullopt : std::optional<std::string>(annotator.toStdString()));
        statusBar()->showMessage(tr("Study pack written: %1 (%2 trajectories). The annotator opens it in GPO "
                                    "Studio; merge it back "
                                    "with Study → Merge Returned Packs….")
                                     .arg(path)
                                     .arg(r.trajectories),
                                 15000);
        return {};
    } catch (const std::exception& e) {
        return QString::fromStdString(e.what());
    }
}

QString MainWindow::mergeStudyPacks(const QStringList& paths) {
    if (!project_) return tr("no project is open");
    QStringList lines;
    try {
        for (const QString& p : paths) {
            const PackMerge m = mergeStudyPack(*project_, p.toStdString());
            lines << tr("%1: %2 added, %3 updated, %4 already here")
                         .arg(QFileInfo(p).fileName())
                         .arg(m.added)
                         .arg(m.updated)
                         .arg(m.unchanged);
        }
    } catch (const std::exception& e) {
        lines << QString::fromStdString(e.what());
    }
    if (tabs_->currentWidget() == dashboard_) dashboard_->refresh();
    return lines.join(QLatin1Char('\n'));
}

void MainWindow::chooseStudyPackExport() {
    if (!project_) return;
    QStringList studies;
    for (const auto& s : listStudies(*project_))
        studies << QString::fromStdString(s.name);
    if (studies.isEmpty()) {
        showError(tr("Export Study Pack"),
                  tr("This project has no study yet (Study → New Study from List…)."));
        return;
    }
    bool ok = false;
    const QString study =
        QInputDialog::getItem(this, tr("Export Study Pack"), tr("Study"), studies, 0, false, &ok);
    if (!ok) return;
    const QString annotator =
        QInputDialog::getText(this, tr("Export Study Pack"), tr("For annotator (empty: anyone who opens it)"),
                              QLineEdit::Normal, {}, &ok);
    if (!ok) return;
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Export Study Pack"),
        study + (annotator.isEmpty() ? QString() : QLatin1Char('-') + annotator.trimmed()) +
            QStringLiteral(".gpostudy"),
        tr("GPO study packs (*.gpostudy)"));
    if (path.isEmpty()) return;
    if (const QString error = exportStudyPack(study, annotator.trimmed(), path); !error.isEmpty())
        showError(tr("Export Study Pack"), error);
}

void MainWindow::chooseStudyPacksToMerge() {
    if (!project_) return;
    const QStringList paths = QFileDialog::getOpenFileNames(
        this, tr("Merge Returned Packs"), QString(), tr("GPO study packs (*.gpostudy);;All files (*)"));
    if (paths.isEmpty()) return;
    QMessageBox::information(this, tr("Merge Returned Packs"), mergeStudyPacks(paths));
}

void MainWindow::importDatasetLabels() {
    if (!project_) return;
    const QString dataset = datasetFilter_->currentData().toString();
    if (dataset.isEmpty()) {
        showError(tr("Import Labels"),
                  tr("Choose the dataset (PRM800K, ProcessBench, …) in the Dataset filter "
                     "first."));
        return;
    }
    try {
        const LabelImport r = gpo::importDatasetLabels(*project_, dataset.toStdString());
        statusBar()->showMessage(tr("%1: %2 labelled trajectories are now the annotations of annotator %3")
                                     .arg(dataset)
                                     .arg(r.annotations)
                                     .arg(QString::fromStdString(r.annotator)),
                                 15000);
    } catch (const std::exception& e) {
        showError(tr("Import Labels"), QString::fromStdString(e.what()));
    }
}

} // namespace gpo::ui
