#pragma once
// Settings of an analysis launched from the studio: rollouts per prefix, temperature, selectors and the
// first-error threshold. The run itself is `gpo analyze`, started as a child process.
#include "plugin/registry.h"

#include <QDialog>
#include <QStringList>

class QCheckBox;
class QDoubleSpinBox;
class QLabel;
class QSpinBox;

namespace gpo::ui {

class AnalyzeDialog : public QDialog {
    Q_OBJECT
public:
    /// `what` describes the trajectories (e.g. "the 200 trajectories in the list").
    AnalyzeDialog(const Registry& registry, const QString& what, QWidget* parent = nullptr);
    /// The gpo analyze options these settings make (--rollouts, --temperature, --selectors, --threshold).
    QStringList arguments() const;
    QSpinBox* rollouts() const { return rollouts_; }

private:
    QSpinBox* rollouts_;
    QDoubleSpinBox* temperature_;
    QDoubleSpinBox* threshold_;
    std::vector<QCheckBox*> selectors_;
};

} // namespace gpo::ui
