#pragma once
// A new user study over the trajectories in the list: its name, the protocol it starts from (the GPO
// paper's, or the richer critical-step one), how many trajectories to draw, the planned annotators and
// their overlap, blind mode, per-step labels and the seed of the orders.
#include "store/studies.h"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QLineEdit;
class QPlainTextEdit;
class QSpinBox;

namespace gpo::ui {

class NewStudyDialog : public QDialog {
    Q_OBJECT
public:
    /// `available`: how many trajectories the list holds.
    NewStudyDialog(int available, QWidget* parent = nullptr);

    QString name() const;
    /// How many of the list's trajectories to draw (all of them when 0 or at least as many).
    int sample() const;
    StudyConfig config() const;

    QLineEdit* nameEdit() const { return name_; }
    QComboBox* templateChoice() const { return template_; }
    QSpinBox* sampleSize() const { return sample_; }
    QLineEdit* annotatorsEdit() const { return annotators_; }

private:
    void applyTemplate();

    QLineEdit* name_;
    QComboBox* template_;
    QSpinBox* sample_;
    QLineEdit* annotators_;
    QSpinBox* overlap_;
    QSpinBox* seed_;
    QCheckBox* blind_;
    QCheckBox* stepLabels_;
    QCheckBox* confidence_;
    QCheckBox* shuffle_;
    QPlainTextEdit* instructions_;
};

} // namespace gpo::ui
