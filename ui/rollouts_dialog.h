#pragma once
// The rollouts behind one prefix of an analysed trajectory: each continuation with its answer and reward.
#include "store/analysis.h"

#include <QDialog>

class QTableWidget;

namespace gpo::ui {

class RolloutsDialog : public QDialog {
    Q_OBJECT
public:
    RolloutsDialog(const std::vector<StoredRollout>& rollouts, int prefix, QWidget* parent = nullptr);
    QTableWidget* table() const { return table_; }

private:
    QTableWidget* table_;
};

} // namespace gpo::ui
