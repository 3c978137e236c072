#pragma once
// The read-only lists of the Runs tab and its dialogs (samples, pairs, compared problems, an experiment's
// methods): one row a record, selected whole, compact rows, the last column taking the rest.
#include <QStringList>

class QTableWidget;
class QWidget;

namespace gpo::ui {

QTableWidget* makeRecordTable(const QStringList& headers, QWidget* parent);

} // namespace gpo::ui
