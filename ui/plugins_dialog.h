#pragma once
// Help > Plugins: every plugin that loaded (name, version, file, what it registered) and every library
// that was refused with its reason; the same as `gpo plugins`.
#include <QDialog>

class QTreeWidget;

namespace gpo {
class Registry;
}

namespace gpo::ui {

class PluginsDialog : public QDialog {
    Q_OBJECT
public:
    PluginsDialog(const Registry& registry, const QStringList& folders, QWidget* parent = nullptr);
    QTreeWidget* tree() const { return tree_; }

private:
    QTreeWidget* tree_;
};

} // namespace gpo::ui
