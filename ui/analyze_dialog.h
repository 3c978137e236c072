#pragma once
// Settings of an analysis launched from the studio: the policy, rollouts per prefix, temperature, max
// tokens, seed, selectors and the first-error threshold, with the cost in rollouts worked out before it
// starts. The run itself is `gpo analyze`, started as a child process.
#include "plugin/registry.h"

#include <QDialog>
#include <QStringList>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QSpinBox;

namespace gpo::ui {

class AnalyzeDialog : public QDialog {
    Q_OBJECT
public:
    /// `what` describes the trajectories (e.g. "the 200 trajectories in the list"); `steps` holds each
    /// one's step count (for the cost); `policies` the project's policies, the default first.
    AnalyzeDialog(const Registry& registry, const QString& what, QWidget* parent = nullptr,
                  std::vector<int64_t> steps = {}, const QStringList& policies = {});
    /// The gpo analyze options these settings make (--rollouts, --temperature, --selectors, --threshold,
    /// and --policy, --max-tokens, --seed when set).
    QStringList arguments() const;
    QSpinBox* rollouts() const { return rollouts_; }
    /// The most rollouts the settings can draw over the listed trajectories (stored ones are reused).
    int64_t estimatedRollouts() const;
    QString estimateText() const;

private:
    void updateEstimate();

    std::vector<int64_t> steps_;
    QComboBox* policy_;
    QSpinBox* maxTokens_;
    QSpinBox* seed_;
    QLabel* estimate_;
    QSpinBox* rollouts_;
    QDoubleSpinBox* temperature_;
    QDoubleSpinBox* threshold_;
    std::vector<QCheckBox*> selectors_;
};

} // namespace gpo::ui
