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
#include <cmath>
#include <set>

namespace gpo::ui {

PolicyCompareDialog::PolicyCompareDialog(const QString& projectPath, QWidget* parent) : QDialog(parent) {
    setWindowTitle(tr("Compare Policies"));
    project_ = std::make_unique<Project>(Project::open(projectPath.toStdString()));
    dataset_ = new QComboBox(this);
    for (const std::string& name : datasetNames(*project_))
        dataset_->addItem(QString::fromStdString(name));
    policyA_ = new QComboBox(this);
    policyB_ = new QComboBox(this);
    compare_ = new QPushButton(tr("Compare"), this);
    summary_ = new QLabel(this);
    summary_->setWordWrap(true);
    summary_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto makeList = [this] {
        auto* t = makeRecordTable({tr("Problem"), tr("Right answers A / B"), tr("Question")}, this);
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
    connect(dataset_, &QComboBox::currentTextChanged, this, &PolicyCompareDialog::fillPolicies);
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
}

PolicyCompareDialog::~PolicyCompareDialog() = default;

void PolicyCompareDialog::fillPolicies() {
    // Policies with answers in the dataset first, then the project's other policies (to evaluate).
    std::vector<std::string> names = answeringSources(*project_, dataset_->currentText().toStdString());
    std::set<std::string> seen(names.begin(), names.end());
    for (const PolicyEntry& p : listPolicies(*project_))
        if (!seen.count(p.name)) names.push_back(p.name);
    for (QComboBox* box : {policyA_, policyB_}) {
        const QString keep = box->currentText();
        box->clear();
        for (const std::string& n : names)
            box->addItem(QString::fromStdString(n),
                         seen.count(n) ? QString() : tr("not evaluated on this dataset yet"));
        for (int i = 0; i < box->count(); ++i)
            box->setItemData(i, box->itemData(i), Qt::ToolTipRole);
        if (box->findText(keep) >= 0) box->setCurrentText(keep);
    }
    if (policyB_->count() > 1 && policyB_->currentIndex() == policyA_->currentIndex())
        policyB_->setCurrentIndex(1);
}

void PolicyCompareDialog::choose(const QString& dataset, const QString& policyA, const QString& policyB) {
    dataset_->setCurrentText(dataset);
    fillPolicies();
    policyA_->setCurrentText(policyA);
    policyB_->setCurrentText(policyB);
}

void PolicyCompareDialog::compare() {
    const std::string dataset = dataset_->currentText().toStdString();
    const auto answering = answeringSources(*project_, dataset);
    QStringList missing;
    for (QComboBox* box : {policyA_, policyB_})
        if (std::find(answering.begin(), answering.end(), box->currentText().toStdString()) ==
                answering.end() &&
            !missing.contains(box->currentText()))
            missing << box->currentText();
    if (!missing.isEmpty()) {
        evaluateThenCompare(missing);
        return;
    }
    try {
        result_ = comparePolicies(*project_, dataset, policyA_->currentText().toStdString(),
                                  policyB_->currentText().toStdString());
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
    compare_->setEnabled(false);
    summary_->setText(
        tr("Evaluating %1 on %2 (greedy, every problem)…").arg(policy, dataset_->currentText()));
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
    eval_->start({QStringLiteral("eval"), QStringLiteral("-p"), QString::fromStdString(project_->path()),
                  QStringLiteral("-d"), dataset_->currentText(), QStringLiteral("--policy"), policy});
}

QString PolicyCompareDialog::summaryText() const {
    return summary_->text();
}

void PolicyCompareDialog::showResult() {
    const PolicyComparison& c = result_;
    auto pct = [](double v) { return QString::number(100 * v, 'f', 1); };
    summary_->setText(
        tr("On the %1 problems of <b>%2</b> both answered: <b>%3</b> pass@1 %4% (95% %5–%6%), "
           "<b>%7</b> %8% (95% %9–%10%).")
            .arg(c.problems)
            .arg(QString::fromStdString(c.dataset).toHtmlEscaped(),
                 QString::fromStdString(c.policyA).toHtmlEscaped(), pct(c.passA), pct(c.lowA), pct(c.highA),
                 QString::fromStdString(c.policyB).toHtmlEscaped(), pct(c.passB), pct(c.lowB))
            .arg(pct(c.highB)) +
        (std::abs(c.answersA - c.answersB) > 1e-9
             ? tr("<br><span style='color:#b45309'>Not like for like: %1 has %2 answers a problem, "
                  "%3 has %4 (sampled answers and greedy ones score differently). Evaluate both "
                  "the same way for a fair comparison.</span>")
                   .arg(QString::fromStdString(c.policyA).toHtmlEscaped())
                   .arg(c.answersA, 0, 'f', 1)
                   .arg(QString::fromStdString(c.policyB).toHtmlEscaped())
                   .arg(c.answersB, 0, 'f', 1)
             : QString()));
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
        table->setItem(row, 0, new QTableWidgetItem(QString::number(o.problemId)));
        table->setItem(row, 1,
                       new QTableWidgetItem(
                           QStringLiteral("%1 / %2").arg(o.rightA, 0, 'f', 2).arg(o.rightB, 0, 'f', 2)));
        table->setItem(row, 2,
                       new QTableWidgetItem(QString::fromStdString(o.question).simplified().left(200)));
    }
    table->resizeColumnsToContents();
    table->horizontalHeader()->setStretchLastSection(true);
}

} // namespace gpo::ui
