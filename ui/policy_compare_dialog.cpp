#include "policy_compare_dialog.h"

#include "gpo_process.h"
#include "record_table.h"
#include "store/policies.h"
#include "store/queries.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

namespace gpo::ui {

PolicyCompareDialog::PolicyCompareDialog(const QString& projectPath, QWidget* parent) : QDialog(parent) {
    setWindowTitle(tr("Compare Policies"));
    project_ = std::make_unique<Project>(Project::open(projectPath.toStdString()));
    dataset_ = new QComboBox(this);
    for (const std::string& name : datasetNames(*project_))
        dataset_->addItem(QString::fromStdString(name));
    policyA_ = new QComboBox(this);
    policyB_ = new QComboBox(this);
    sampling_ = new QComboBox(this);
    sampling_->setToolTip(
        tr("Both policies are compared as evaluated this way; one that was not is evaluated "
           "so first"));
    compare_ = new QPushButton(tr("Compare"), this);
    summary_ = new QLabel(this);
    summary_->setWordWrap(true);
    summary_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto makeList = [this] {
        auto* t = makeRecordTable({tr("Problem"), tr("Right A / B"), tr("Question")}, this);
        t->setSelectionMode(QAbstractItemView::ExtendedSelection);
        t->setToolTip(tr("Double-click to open the answer of the policy that failed it"));
        return t;
    };
    onlyA_ = makeList();
    onlyB_ = makeList();
    onlyALabel_ = new QLabel(this);
    onlyBLabel_ = new QLabel(this);
    auto* form = new QFormLayout;
    form->addRow(tr("Dataset"), dataset_);
    form->addRow(tr("Policy A"), policyA_);
    form->addRow(tr("Policy B"), policyB_);
    form->addRow(tr("Answers"), sampling_);
    auto* lists = new QGridLayout;
    lists->addWidget(onlyALabel_, 0, 0);
    lists->addWidget(onlyBLabel_, 0, 1);
    lists->addWidget(onlyA_, 1, 0);
    lists->addWidget(onlyB_, 1, 1);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(compare_, 0, Qt::AlignLeft);
    layout->addWidget(summary_);
    layout->addLayout(lists, 1);
    layout->addWidget(buttons);
    resize(900, 600);

    eval_ = new GpoProcess(this);
    connect(dataset_, &QComboBox::currentTextChanged, this, &PolicyCompareDialog::fillSamplings);
    connect(compare_, &QPushButton::clicked, this, &PolicyCompareDialog::compare);
    for (QTableWidget* t : {onlyA_, onlyB_})
        connect(t, &QTableWidget::cellDoubleClicked, this, [this, t](int row) {
            const auto& list = t == onlyA_ ? result_.onlyA : result_.onlyB;
            if (row < 0 || static_cast<size_t>(row) >= list.size()) return;
            // The interesting answer is the failed one: B's where only A solved it, and A's otherwise.
            const ProblemOutcome& o = list[static_cast<size_t>(row)];
            emit trajectoryActivated(t == onlyA_ ? o.trajectoryB : o.trajectoryA, 0);
        });
    fillPolicies();
    fillSamplings();
}

PolicyCompareDialog::~PolicyCompareDialog() = default;

void PolicyCompareDialog::fillPolicies() {
    for (QComboBox* box : {policyA_, policyB_}) {
        const QString keep = box->currentText();
        box->clear();
        for (const PolicyEntry& p : listPolicies(*project_))
            box->addItem(QString::fromStdString(p.name));
        if (box->findText(keep) >= 0) box->setCurrentText(keep);
    }
    if (policyB_->count() > 1 && policyB_->currentIndex() == policyA_->currentIndex())
        policyB_->setCurrentIndex(1);
}

QStringList PolicyCompareDialog::policyNames() const {
    QStringList names;
    for (int i = 0; i < policyA_->count(); ++i)
        names << policyA_->itemText(i);
    return names;
}

void PolicyCompareDialog::fillSamplings() {
    // Greedy, the ways this dataset's evaluations sampled, and the usual sampled one.
    const int keep = sampling_->currentIndex();
    const EvalSampling kept = keep >= 0 ? samplings_[static_cast<size_t>(keep)] : EvalSampling::greedy();
    samplings_ = {EvalSampling::greedy()};
    auto offer = [this](const EvalSampling& s) {
        if (std::none_of(samplings_.begin(), samplings_.end(),
                         [&](const EvalSampling& x) { return x.sameAs(s); }))
            samplings_.push_back(s);
    };
    for (const EvalSampling& s : evalSamplings(*project_, dataset_->currentText().toStdString()))
        offer(s);
    offer({4, 1.0, 1.0, 0, 0});
    sampling_->clear();
    for (const EvalSampling& s : samplings_)
        sampling_->addItem(QString::fromStdString(s.describe()));
    for (size_t i = 0; i < samplings_.size(); ++i)
        if (samplings_[i].sameAs(kept)) sampling_->setCurrentIndex(static_cast<int>(i));
}

EvalSampling PolicyCompareDialog::chosenSampling() const {
    const int i = sampling_->currentIndex();
    return i >= 0 ? samplings_[static_cast<size_t>(i)] : EvalSampling::greedy();
}

void PolicyCompareDialog::choose(const QString& dataset, const QString& policyA, const QString& policyB,
                                 const EvalSampling& how) {
    dataset_->setCurrentText(dataset);
    fillSamplings();
    policyA_->setCurrentText(policyA);
    policyB_->setCurrentText(policyB);
    const auto at = std::find_if(samplings_.begin(), samplings_.end(),
                                 [&](const EvalSampling& s) { return s.sameAs(how); });
    if (at == samplings_.end()) {
        samplings_.push_back(how);
        sampling_->addItem(QString::fromStdString(how.describe()));
        sampling_->setCurrentIndex(sampling_->count() - 1);
    } else {
        sampling_->setCurrentIndex(static_cast<int>(at - samplings_.begin()));
    }
}

void PolicyCompareDialog::compare() {
    const std::string dataset = dataset_->currentText().toStdString();
    const EvalSampling how = chosenSampling();
    QStringList missing;
    for (QComboBox* box : {policyA_, policyB_})
        if (!latestEvalRun(*project_, dataset, box->currentText().toStdString(), how) &&
            !missing.contains(box->currentText()))
            missing << box->currentText();
    if (!missing.isEmpty()) {
        evaluateThenCompare(missing);
        return;
    }
    try {
        result_ = comparePolicies(*project_, dataset, policyA_->currentText().toStdString(),
                                  policyB_->currentText().toStdString(), how);
    } catch (const std::exception& e) {
        summary_->setText(QStringLiteral("<span style='color:#b91c1c'>%1</span>")
                              .arg(QString::fromStdString(e.what()).toHtmlEscaped()));
        emit compared(false);
        return;
    }
    showResult();
    emit compared(true);
}

void PolicyCompareDialog::evaluateThenCompare(const QStringList& missing) {
    const QString policy = missing.first();
    const EvalSampling how = chosenSampling();
    compare_->setEnabled(false);
    summary_->setText(tr("Evaluating %1 on %2 (%3, every problem)…")
                          .arg(policy, dataset_->currentText(), QString::fromStdString(how.describe())));
    disconnect(eval_, &GpoProcess::finished, this, nullptr);
    connect(eval_, &GpoProcess::finished, this,
            [this, missing](bool ok, const QJsonObject&, const QString& error) {
                compare_->setEnabled(true);
                if (!ok) {
                    summary_->setText(tr("Evaluating %1 failed: %2").arg(missing.first(), error));
                    emit compared(false);
                    return;
                }
                if (missing.size() > 1)
                    evaluateThenCompare(missing.mid(1));
                else
                    compare();
            });
    QStringList args{QStringLiteral("eval"),
                     QStringLiteral("-p"),
                     QString::fromStdString(project_->path()),
                     QStringLiteral("-d"),
                     dataset_->currentText(),
                     QStringLiteral("--policy"),
                     policy};
    for (const std::string& a : how.evalArguments())
        args << QString::fromStdString(a);
    eval_->start(args);
}

QString PolicyCompareDialog::summaryText() const {
    return summary_->text();
}

void PolicyCompareDialog::showResult() {
    const PolicyComparison& c = result_;
    auto pct = [](double v) { return QString::number(100 * v, 'f', 1); };
    summary_->setText(tr("On the %1 problems of <b>%2</b> both answered, both evaluated the same way (%3): "
                         "<b>%4</b> pass@1 %5% (95% %6–%7%), <b>%8</b> %9% (95% %10–%11%).")
                          .arg(c.problems)
                          .arg(QString::fromStdString(c.dataset).toHtmlEscaped(),
                               QString::fromStdString(c.sampling.describe()).toHtmlEscaped(),
                               QString::fromStdString(c.policyA).toHtmlEscaped(), pct(c.passA), pct(c.lowA),
                               pct(c.highA), QString::fromStdString(c.policyB).toHtmlEscaped(), pct(c.passB))
                          .arg(pct(c.lowB), pct(c.highB)));
    onlyALabel_->setText(
        tr("Solved by %1 only: %2").arg(QString::fromStdString(c.policyA)).arg(c.onlyA.size()));
    onlyBLabel_->setText(
        tr("Solved by %1 only: %2").arg(QString::fromStdString(c.policyB)).arg(c.onlyB.size()));
    fillList(onlyA_, c.onlyA);
    fillList(onlyB_, c.onlyB);
}

void PolicyCompareDialog::fillList(QTableWidget* table, const std::vector<ProblemOutcome>& outcomes) {
    table->setRowCount(static_cast<int>(outcomes.size()));
    for (int row = 0; row < static_cast<int>(outcomes.size()); ++row) {
        const ProblemOutcome& o = outcomes[static_cast<size_t>(row)];
        // The dataset's own id where it has one ("test/algebra/12.json"), else the project's problem number.
        table->setItem(row, 0,
                       new QTableWidgetItem(o.sourceId.empty() ? tr("problem %1").arg(o.problemId)
                                                               : QString::fromStdString(o.sourceId)));
        table->setItem(row, 1,
                       new QTableWidgetItem(
                           QStringLiteral("%1 / %2").arg(o.rightA, 0, 'f', 2).arg(o.rightB, 0, 'f', 2)));
        table->setItem(row, 2,
                       new QTableWidgetItem(QString::fromStdString(o.question).simplified().left(200)));
    }
    // Sized to contents and headers alike, so no header is cut.
    table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    table->horizontalHeader()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    table->horizontalHeader()->setStretchLastSection(true);
}

} // namespace gpo::ui
