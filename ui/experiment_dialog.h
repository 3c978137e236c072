#pragma once
// Training > Run Experiment…: does learning from critical steps help, at the same sampling budget?
// The settings of `gpo experiment` (methods, seeds, problems, steps), its defaults as the CLI's; the
// experiment runs as a gpo child process and its runs and comparison appear in the Runs tab.
#include <QDialog>
#include <QStringList>

class QCheckBox;
class QLineEdit;
class QSpinBox;

namespace gpo::ui {

class ExperimentDialog : public QDialog {
    Q_OBJECT
public:
    explicit ExperimentDialog(QWidget* parent = nullptr);
    /// The gpo experiment options these settings make (without -p).
    QStringList arguments() const;
    QLineEdit* nameEdit() const { return name_; }
    QLineEdit* seedsEdit() const { return seeds_; }

private:
    QLineEdit* name_;
    QLineEdit* seeds_;
    std::vector<QCheckBox*> methods_;
    QSpinBox* trainProblems_;
    QSpinBox* heldout_;
    QSpinBox* dpoSteps_;
    QSpinBox* grpoSteps_;
};

} // namespace gpo::ui
