#pragma once
// Two policies on one dataset (e.g. before and after a run): pass@1 of each with its 95% interval, and
// the problems one solves and the other does not, each a double-click from the trajectory view. Both are
// compared as evaluated the same way (greedy by default, or a sampling one of them was evaluated with); a
// policy without such an evaluation there is evaluated first (gpo eval), from the dialog.
#include "store/policy_comparison.h"

#include <QDialog>
#include <memory>

class QComboBox;
class QLabel;
class QPushButton;
class QTableWidget;

namespace gpo::ui {

class GpoProcess;

class PolicyCompareDialog : public QDialog {
    Q_OBJECT
public:
    PolicyCompareDialog(const QString& projectPath, QWidget* parent = nullptr);
    ~PolicyCompareDialog() override;
    /// Chooses the dataset and the two policies (names as the project lists them), and how both are
    /// evaluated (greedy unless given).
    void choose(const QString& dataset, const QString& policyA, const QString& policyB,
                const EvalSampling& how = EvalSampling::greedy());
    /// The policies offered (the project's policies, never other sources of answers).
    QStringList policyNames() const;
    /// How the two are evaluated, as offered.
    const std::vector<EvalSampling>& samplings() const { return samplings_; }
    /// Compares the chosen policies, evaluating first those with no answers; compared() reports it.
    void compare();
    const PolicyComparison& result() const { return result_; }
    QTableWidget* onlyA() const { return onlyA_; }
    QTableWidget* onlyB() const { return onlyB_; }
    QString summaryText() const;

signals:
    void compared(bool ok);
    /// Open a trajectory (an answer of one of the policies).
    void trajectoryActivated(int64_t trajectoryId, int step);

private:
    void fillPolicies();
    void fillSamplings();
    EvalSampling chosenSampling() const;
    void evaluateThenCompare(const QStringList& missing);
    void showResult();
    void fillList(QTableWidget* table, const std::vector<ProblemOutcome>& outcomes);

    std::unique_ptr<Project> project_;
    PolicyComparison result_;
    QComboBox* dataset_;
    QComboBox* policyA_;
    QComboBox* policyB_;
    QComboBox* sampling_;
    std::vector<EvalSampling> samplings_;
    QPushButton* compare_;
    QLabel* summary_;
    QTableWidget* onlyA_;
    QTableWidget* onlyB_;
    QLabel* onlyALabel_;
    QLabel* onlyBLabel_;
    GpoProcess* eval_;
};

} // namespace gpo::ui
