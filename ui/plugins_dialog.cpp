#include "plugins_dialog.h"

#include "plugin/registry.h"

#include <QDialogButtonBox>
#include <QFileInfo>
#include <QHeaderView>
#include <QLabel>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace gpo::ui {
namespace {

QString joined(const std::vector<std::string>& names) {
    QStringList out;
    for (const auto& n : names)
        out << QString::fromStdString(n);
    return out.join(QStringLiteral(", "));
}

} // namespace

PluginsDialog::PluginsDialog(const Registry& registry, const QStringList& folders, QWidget* parent)
    : QDialog(parent), tree_(new QTreeWidget(this)) {
    setWindowTitle(tr("Plugins"));
    auto* layout = new QVBoxLayout(this);
    auto* intro = new QLabel(tr("Plugin API version %1. Plugins load from GPO_PLUGIN_PATH and the install's "
                                "plugin folder:<br><tt>%2</tt>")
                                 .arg(kPluginApiVersion)
                                 .arg(folders.join(QStringLiteral("<br>")).toHtmlEscaped()),
                             this);
    intro->setTextFormat(Qt::RichText);
    intro->setWordWrap(true);
    layout->addWidget(intro);

    tree_->setColumnCount(3);
    tree_->setHeaderLabels({tr("Plugin"), tr("Version"), tr("File or what it registered")});
    tree_->setRootIsDecorated(true);
    for (const PluginInfo& p : registry.plugins()) {
        auto* item =
            new QTreeWidgetItem(tree_, {QString::fromStdString(p.name), QString::fromStdString(p.version),
                                        p.file.empty() ? tr("(built in)") : QString::fromStdString(p.file)});
        const std::pair<QString, const std::vector<std::string>*> kinds[] = {
            {tr("formats"), &p.readers},
            {tr("verifiers"), &p.verifiers},
            {tr("segmenters"), &p.segmenters},
            {tr("selectors"), &p.selectors}};
        for (const auto& [kind, names] : kinds)
            if (!names->empty()) new QTreeWidgetItem(item, {kind, QString(), joined(*names)});
        item->setExpanded(true);
    }
    for (const PluginFailure& f : registry.failures()) {
        // The file has a column of its own: the reason reads without its path.
        QString reason = QString::fromStdString(f.reason);
        reason.remove(QString::fromStdString(f.file) + QLatin1Char(' '));
        if (reason.startsWith(QLatin1String("plugin "))) reason.remove(0, 7);
        auto* item = new QTreeWidgetItem(
            tree_, {QFileInfo(QString::fromStdString(f.file)).fileName(), tr("refused"), reason});
        item->setToolTip(2, QString::fromStdString(f.reason));
        for (int c = 0; c < 3; ++c)
            item->setForeground(c, QColor(0xb0, 0x20, 0x20));
    }
    tree_->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    tree_->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    layout->addWidget(tree_);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
    resize(820, 420);
}

} // namespace gpo::ui
