#include "agreement_dashboard.h"

#include "store/agreement_report.h"
#include "store/annotations.h"
#include "store/queries.h"
#include "store/studies.h"
#include "store/study_export.h"

#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMenu>
#include <QPainter>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QSvgGenerator>
#include <QTabWidget>
#include <QTableWidget>
#include <QToolButton>
#include <QVBoxLayout>
#include <fstream>
#include <qcustomplot.h>

namespace gpo::ui {
namespace {

QString number(const nlohmann::json& v, int digits = 3) {
    return v.is_number() ? QString::number(v.get<double>(), 'f', digits) : QStringLiteral("–");
}

QString withInterval(const nlohmann::json& value, const nlohmann::json& ci) {
    return number(value) +
           (ci.is_array() ? QStringLiteral("  [%1, %2]").arg(number(ci[0]), number(ci[1])) : QString());
}

QString str(const nlohmann::json& v) {
    if (v.is_string()) return QString::fromStdString(v.get<std::string>());
    if (v.is_number_integer()) return QString::number(v.get<int64_t>());
    return number(v);
}

QTableWidget* makeTable(QWidget* parent) {
    auto* t = new QTableWidget(parent);
    t->setEditTriggers(QAbstractItemView::NoEditTriggers);
    t->setSelectionBehavior(QAbstractItemView::SelectRows);
    t->setAlternatingRowColors(true);
    t->verticalHeader()->hide();
    t->verticalHeader()->setDefaultSectionSize(22);
    t->horizontalHeader()->setStretchLastSection(true);
    t->setSortingEnabled(false);
    return t;
}

void fill(QTableWidget* t, const QStringList& headers, const std::vector<QStringList>& rows) {
    t->clear();
    t->setColumnCount(static_cast<int>(headers.size()));
    t->setHorizontalHeaderLabels(headers);
    t->setRowCount(static_cast<int>(rows.size()));
    for (size_t r = 0; r < rows.size(); ++r)
        for (int c = 0; c < rows[r].size(); ++c) {
            auto* item = new QTableWidgetItem(rows[r][c]);
            if (c > 0) item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            t->setItem(static_cast<int>(r), c, item);
        }
    t->resizeColumnsToContents();
}

} // namespace

AgreementDashboard::AgreementDashboard(QWidget* parent) : QWidget(parent) {
    buildLayout();
}

void AgreementDashboard::buildLayout() {
    study_ = new QComboBox(this);
    dataset_ = new QComboBox(this);
    annotator_ = new QComboBox(this);
    for (QComboBox* box : {study_, dataset_, annotator_})
        box->setSizeAdjustPolicy(QComboBox::AdjustToContents); // "All annotators" shown whole
    minSteps_ = new QSpinBox(this);
    maxSteps_ = new QSpinBox(this);
    for (auto* s : {minSteps_, maxSteps_}) {
        s->setRange(0, 10000);
        s->setSpecialValueText(tr("any"));
    }
    selector_ = new QComboBox(this);
    selector_->setToolTip(tr("The selector whose offsets the histogram shows"));
    selector_->setSizeAdjustPolicy(QComboBox::AdjustToContents); // "max-value-prefix" shown whole
    selector_->setMinimumContentsLength(16);
    for (auto* c : {study_, dataset_, annotator_})
        connect(c, &QComboBox::activated, this, &AgreementDashboard::recompute);
    for (auto* s : {minSteps_, maxSteps_})
        connect(s, &QSpinBox::editingFinished, this, &AgreementDashboard::recompute);
    connect(selector_, &QComboBox::currentIndexChanged, this, &AgreementDashboard::showHistogram);
    auto* exportButton = new QToolButton(this);
    exportButton->setText(tr("Export"));
    exportButton->setPopupMode(QToolButton::InstantPopup);
    auto* menu = new QMenu(exportButton);
    const std::pair<QString, QString> kinds[] = {
        {tr("Statistics as CSV…"), QStringLiteral("csv")},
        {tr("Report as JSON…"), QStringLiteral("json")},
        {tr("LaTeX table…"), QStringLiteral("latex")},
        {tr("Raw annotations as CSV…"), QStringLiteral("annotations-csv")},
        {tr("Raw annotations as JSON…"), QStringLiteral("annotations-json")},
        {tr("Histogram as PNG…"), QStringLiteral("png")},
        {tr("Histogram as SVG…"), QStringLiteral("svg")},
        {tr("Histogram as PDF…"), QStringLiteral("pdf")}};
    for (const auto& [label, kind] : kinds) {
        const QString k = kind;
        menu->addAction(label, this, [this, k] {
            const QString suffix = k == QLatin1String("latex")                   ? QStringLiteral("tex")
                                   : k.startsWith(QLatin1String("annotations-")) ? k.mid(12)
                                                                                 : k;
            const QString path =
                QFileDialog::getSaveFileName(this, tr("Export"), QStringLiteral("agreement.") + suffix);
            if (path.isEmpty()) return;
            const QString error = exportTo(k, path);
            status_->setText(error.isEmpty() ? tr("Written: %1").arg(path) : error);
        });
    }
    exportButton->setMenu(menu);
    auto* refreshButton = new QPushButton(tr("Refresh"), this);
    connect(refreshButton, &QPushButton::clicked, this, &AgreementDashboard::refresh);

    auto* filters = new QHBoxLayout;
    filters->addWidget(new QLabel(tr("Study"), this));
    filters->addWidget(study_);
    filters->addWidget(new QLabel(tr("Dataset"), this));
    filters->addWidget(dataset_);
    filters->addWidget(new QLabel(tr("Annotator"), this));
    filters->addWidget(annotator_);
    filters->addWidget(new QLabel(tr("Steps"), this));
    filters->addWidget(minSteps_);
    filters->addWidget(new QLabel(tr("to"), this));
    filters->addWidget(maxSteps_);
    filters->addStretch();
    filters->addWidget(refreshButton);
    filters->addWidget(exportButton);

    status_ = new QLabel(this);
    status_->setStyleSheet(QStringLiteral("color:#6b7280"));
    summary_ = makeTable(this);
    between_ = makeTable(this);
    plot_ = new QCustomPlot(this);
    plot_->setMinimumHeight(180);
    bars_ = new QCPBars(plot_->xAxis, plot_->yAxis);
    bars_->setWidth(0.8);
    bars_->setBrush(QColor(37, 99, 235, 170));
    bars_->setPen(Qt::NoPen);
    plot_->xAxis->setLabel(tr("human − model (steps)"));
    plot_->yAxis->setLabel(tr("annotations"));
    // Offsets and counts are whole numbers: whole-number ticks on both axes.
    for (QCPAxis* axis : {plot_->xAxis, plot_->yAxis}) {
        QSharedPointer<QCPAxisTickerFixed> whole(new QCPAxisTickerFixed);
        whole->setTickStep(1.0);
        whole->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
        axis->setTicker(whole);
    }
    auto* histogramBox = new QWidget(this);
    auto* histogramLayout = new QVBoxLayout(histogramBox);
    histogramLayout->setContentsMargins(0, 0, 0, 0);
    auto* selectorRow = new QHBoxLayout;
    selectorRow->addWidget(new QLabel(tr("Offsets of people's picks from"), this));
    selectorRow->addWidget(selector_);
    selectorRow->addStretch();
    histogramLayout->addLayout(selectorRow);
    histogramLayout->addWidget(plot_, 1);

    annotators_ = makeTable(this);
    byDataset_ = makeTable(this);
    byLength_ = makeTable(this);
    perTrajectory_ = makeTable(this);
    perTrajectory_->setToolTip(tr("Double-click a row to open the trajectory"));
    connect(perTrajectory_, &QTableWidget::cellDoubleClicked, this, [this](int row, int) {
        if (auto* item = perTrajectory_->item(row, 0)) emit trajectoryActivated(item->text().toLongLong());
    });
    details_ = new QTabWidget(this);
    details_->addTab(annotators_, tr("Annotators"));
    details_->addTab(byDataset_, tr("By dataset"));
    details_->addTab(byLength_, tr("By length"));
    details_->addTab(perTrajectory_, tr("Per trajectory"));

    auto* upper = new QSplitter(Qt::Horizontal, this);
    auto* left = new QWidget(this);
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(
        new QLabel(tr("<b>People and labels against each selector</b> (95% bootstrap intervals)"), this));
    leftLayout->addWidget(summary_, 2);
    leftLayout->addWidget(new QLabel(tr("<b>People against each other</b>"), this));
    leftLayout->addWidget(between_, 1);
    upper->addWidget(left);
    upper->addWidget(histogramBox);
    upper->setStretchFactor(0, 3);
    upper->setStretchFactor(1, 2);
    auto* split = new QSplitter(Qt::Vertical, this);
    split->addWidget(upper);
    split->addWidget(details_);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(filters);
    layout->addWidget(split, 1);
    layout->addWidget(status_);
}

void AgreementDashboard::setProjectPath(const QString& path) {
    path_ = path;
    report_ = nlohmann::json();
    job_.cancel();
    computing_ = false;
}

void AgreementDashboard::refresh() {
    const QString study = study_->currentText(), dataset = dataset_->currentText(),
                  annotator = annotator_->currentText();
    study_->clear();
    dataset_->clear();
    annotator_->clear();
    study_->addItem(tr("All annotations"), QString());
    dataset_->addItem(tr("All datasets"), QString());
    annotator_->addItem(tr("All annotators"), QStringList());
    if (path_.isEmpty()) return;
    try {
        Project project = Project::open(path_.toStdString(), OpenMode::ReadOnly);
        for (const auto& s : listStudies(project))
            study_->addItem(QString::fromStdString(s.name), QString::fromStdString(s.name));
        for (const auto& d : datasetNames(project))
            dataset_->addItem(QString::fromStdString(d), QString::fromStdString(d));
        QStringList people;
        bool imported = false;
        for (const auto& a : listAnnotators(project)) {
            const QString name = QString::fromStdString(a.name);
            annotator_->addItem(name, QStringList{name});
            if (a.kind == "human")
                people << name;
            else
                imported = true;
        }
        // Imported label sets (PRM800K, ProcessBench) count as annotators; this compares people alone.
        if (imported && !people.isEmpty())
            annotator_->insertItem(1, tr("People only (no imported labels)"), people);
    } catch (const std::exception& e) {
        status_->setText(QString::fromStdString(e.what()));
        return;
    }
    auto keep = [](QComboBox* c, const QString& text) {
        const int i = c->findText(text);
        if (i >= 0) c->setCurrentIndex(i);
    };
    keep(study_, study);
    keep(dataset_, dataset);
    keep(annotator_, annotator);
    recompute();
}

void AgreementDashboard::recompute() {
    if (path_.isEmpty()) return;
    const std::string path = path_.toStdString();
    const std::string study = study_->currentData().toString().toStdString();
    ReportOptions options;
    options.filter.dataset = dataset_->currentData().toString().toStdString();
    options.filter.minSteps = minSteps_->value();
    options.filter.maxSteps = maxSteps_->value();
    for (const QString& a : annotator_->currentData().toStringList())
        options.filter.annotators.push_back(a.toStdString());
    computing_ = true;
    status_->setText(tr("Computing…"));
    job_.run<nlohmann::json>(
        [path, study, options](const JobTracker::CancelFlag&) mutable {
            Project project = Project::open(path, OpenMode::ReadOnly);
            if (!study.empty()) options.filter.studyId = requireStudy(project, study).id;
            QElapsedTimer clock;
            clock.start();
            nlohmann::json report = agreementReport(project, options);
            report["seconds"] = static_cast<double>(clock.elapsed()) / 1000.0;
            return report;
        },
        [this](nlohmann::json report) {
            report_ = std::move(report);
            computing_ = false;
            showReport();
            emit computed();
        },
        [this](const QString& error) {
            computing_ = false;
            status_->setText(error);
            emit computed();
        });
}

void AgreementDashboard::showReport() {
    std::vector<QStringList> rows;
    auto agreementRow = [](const nlohmann::json& r, const QString& labels) {
        return QStringList{str(r["selector"]),
                           labels,
                           str(r["n"]),
                           withInterval(r["exact"], r["ci95"]["exact"]),
                           number(r["within_1"]),
                           number(r["within_2"]),
                           number(r["mean_abs_offset"], 2),
                           number(r["processbench_f1"])};
    };
    for (const auto& r : report_["people_vs_model"])
        rows.push_back(agreementRow(r, tr("all people")));
    for (const auto& r : report_["comparisons"])
        rows.push_back(agreementRow(r, str(r["labels"])));
    fill(summary_,
         {tr("Selector"), tr("Labels"), tr("n"), tr("Exact [95% CI]"), tr("Within ±1"), tr("Within ±2"),
          tr("Mean |offset|"), tr("ProcessBench F1")},
         rows);

    rows.clear();
    if (const auto& b = report_["between_annotators"]; b.is_object()) {
        rows.push_back({tr("annotators / trajectories"),
                        QStringLiteral("%1 / %2").arg(str(b["n_raters"]), str(b["n_units"])),
                        {}});
        for (const auto& [key, name] :
             {std::pair<const char*, QString>{"percent_agreement", tr("Percent agreement")},
              {"cohen_kappa", tr("Cohen's κ (two annotators)")},
              {"fleiss_kappa", tr("Fleiss' κ")},
              {"alpha_nominal", tr("Krippendorff's α (nominal)")},
              {"alpha_interval", tr("Krippendorff's α (interval)")}}) {
            const auto& ci = b["ci95"][key];
            rows.push_back(
                {name, number(b[key]),
                 ci.is_array() ? QStringLiteral("[%1, %2]").arg(number(ci[0]), number(ci[1])) : QString()});
        }
    }
    if (const auto& c = report_["advantage_vs_people"]; c["spearman_abs_advantage"].is_number())
        rows.push_back({tr("Spearman ρ: |A_h| vs share picking h"), number(c["spearman_abs_advantage"]),
                        tr("%1 steps").arg(str(c["steps"]))});
    fill(between_, {tr("Statistic"), tr("Value"), tr("95% CI")}, rows);

    rows.clear();
    for (const auto& r : report_["annotators"])
        rows.push_back({str(r["annotator"]), str(r.value("kind", nlohmann::json(""))), str(r["answered"]),
                        str(r["no_single_step"]), str(r.value("skipped", nlohmann::json(0))),
                        number(r["agreement_with_others"]),
                        number(r.value("mean_seconds", nlohmann::json()), 1),
                        number(r.value("mean_confidence", nlohmann::json()), 2)});
    fill(annotators_,
         {tr("Annotator"), tr("Kind"), tr("Answered"), tr("No single step"), tr("Skipped"),
          tr("Agrees with others"), tr("Mean seconds"), tr("Mean confidence")},
         rows);
    auto grouped = [&](QTableWidget* table, const char* key, const QString& title) {
        std::vector<QStringList> g;
        for (const auto& r : report_[std::string("by_") + key])
            g.push_back({str(r[key == std::string("dataset") ? "dataset" : "length"]), str(r["selector"]),
                         str(r["n"]), number(r["exact"]), number(r["within_1"]), number(r["within_2"]),
                         number(r["mean_abs_offset"], 2)});
        fill(table,
             {title, tr("Selector"), tr("n"), tr("Exact"), tr("Within ±1"), tr("Within ±2"),
              tr("Mean |offset|")},
             g);
    };
    grouped(byDataset_, "dataset", tr("Dataset"));
    grouped(byLength_, "length", tr("Steps"));

    QStringList selectors;
    for (const auto& r : report_["people_vs_model"])
        selectors << str(r["selector"]);
    rows.clear();
    for (const auto& r : report_["per_trajectory"]) {
        QStringList row{str(r["trajectory_id"]),
                        str(r.value("dataset", nlohmann::json(""))),
                        str(r.value("steps", nlohmann::json(0))),
                        str(r["people"]),
                        r["modal_step"].is_number() ? QString::number(r["modal_step"].get<int>())
                                                    : tr("none"),
                        number(r["modal_share"], 2)};
        for (const auto& s : selectors)
            row << number(r["match"].value(s.toStdString(), nlohmann::json()), 2);
        rows.push_back(row);
    }
    QStringList headers{tr("Trajectory"), tr("Dataset"),          tr("Steps"),
                        tr("People"),     tr("Most picked step"), tr("Its share")};
    for (const auto& s : selectors)
        headers << tr("= %1").arg(s);
    fill(perTrajectory_, headers, rows);

    const QString keep = selector_->currentText();
    selector_->blockSignals(true);
    selector_->clear();
    selector_->addItems(selectors);
    const int at = selector_->findText(keep.isEmpty() ? QStringLiteral("abs-advantage") : keep);
    selector_->setCurrentIndex(at >= 0 ? at : 0);
    selector_->blockSignals(false);
    showHistogram();
    const int people = static_cast<int>(report_["annotators"].size());
    status_->setText(people == 0
                         ? tr("No annotations match the filters yet: annotate in the Annotate tab, or bring "
                              "labels in with Study → Import Dataset Labels as Annotator.")
                         : tr("%1 annotators; computed in %2 s.")
                               .arg(people)
                               .arg(report_.value("seconds", 0.0), 0, 'f', 2));
}

void AgreementDashboard::showHistogram() {
    QVector<double> keys, values;
    for (const auto& r : report_["people_vs_model"]) {
        if (str(r["selector"]) != selector_->currentText()) continue;
        for (const auto& [offset, count] : r["offset_histogram"].items()) {
            keys << std::stod(offset);
            values << count.get<double>();
        }
    }
    bars_->setData(keys, values);
    plot_->xAxis->rescale();
    plot_->yAxis->rescale();
    plot_->xAxis->setRange(plot_->xAxis->range().lower - 1, plot_->xAxis->range().upper + 1);
    plot_->yAxis->setRange(0, std::max(1.0, plot_->yAxis->range().upper * 1.1));
    plot_->replot();
}

QString AgreementDashboard::exportTo(const QString& kind, const QString& path) {
    try {
        if (kind == QLatin1String("png"))
            return plot_->savePng(path, 900, 500, 2.0) ? QString() : tr("%1: cannot write").arg(path);
        if (kind == QLatin1String("pdf"))
            return plot_->savePdf(path, 900, 500) ? QString() : tr("%1: cannot write").arg(path);
        if (kind == QLatin1String("svg")) {
            QSvgGenerator svg;
            svg.setFileName(path);
            svg.setSize(QSize(900, 500));
            svg.setViewBox(QRect(0, 0, 900, 500));
            svg.setTitle(tr("Offsets of people's critical steps from %1").arg(selector_->currentText()));
            QCPPainter painter;
            if (!painter.begin(&svg)) return tr("%1: cannot write").arg(path);
            plot_->toPainter(&painter, 900, 500);
            painter.end();
            return QFileInfo(path).size() > 0 ? QString() : tr("%1: cannot write").arg(path);
        }
        std::ofstream out(path.toStdString(), std::ios::binary | std::ios::trunc);
        if (!out) return tr("%1: cannot write").arg(path);
        if (kind == QLatin1String("csv")) {
            writeReportCsv(report_, out);
        } else if (kind == QLatin1String("json")) {
            out << report_.dump(1) << '\n';
        } else if (kind == QLatin1String("latex")) {
            out << reportLatex(report_, reportCaption(study_->currentData().toString().toStdString()));
        } else if (kind.startsWith(QLatin1String("annotations-"))) {
            Project project = Project::open(path_.toStdString(), OpenMode::ReadOnly);
            std::optional<int64_t> studyId;
            if (const QString s = study_->currentData().toString(); !s.isEmpty())
                studyId = requireStudy(project, s.toStdString()).id;
            if (kind.endsWith(QLatin1String("json")))
                out << annotationsJson(project, studyId).dump(1) << '\n';
            else
                writeAnnotationsCsv(project, studyId, out);
        } else {
            return tr("unknown export kind %1").arg(kind);
        }
        out.flush();
        return out ? QString() : tr("%1: write failed").arg(path);
    } catch (const std::exception& e) {
        return QString::fromStdString(e.what());
    }
}

} // namespace gpo::ui
