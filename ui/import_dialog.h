#pragma once
// Asks what to import: files or a folder, the format, the dataset name, how to split steps. It opens
// with the settings and the folder of the last import.
#include "plugin/registry.h"
#include "store/importer.h"

#include <QDialog>

class QComboBox;
class QLineEdit;
class QListWidget;
class QCheckBox;
class QPushButton;

namespace gpo::ui {

class ImportDialog : public QDialog {
    Q_OBJECT
public:
    ImportDialog(const Registry& registry, QWidget* parent = nullptr);
    QStringList paths() const;
    ImportOptions options() const;

private:
    void addFiles();
    void addFolder();
    void updateOk();
    static QString lastFolder();

    QComboBox* format_;
    QLineEdit* dataset_;
    QComboBox* segmenter_;
    QCheckBox* skipBad_;
    QListWidget* files_;
    QPushButton* ok_;
};

} // namespace gpo::ui
