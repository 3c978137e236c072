#pragma once
// Project → Add Policy Checkpoint…: a checkpoint folder and a name; `gpo policy add` loads the folder in
// a child process (the studio never links LibTorch) and the dialog shows what it found — architecture,
// size, context, tokenizer, the prompt a question gets, generation defaults, warnings — or why the folder
// was refused, naming the file and key.
#include <QDialog>

class QCheckBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;

namespace gpo::ui {

class GpoProcess;

class AddPolicyDialog : public QDialog {
    Q_OBJECT
public:
    AddPolicyDialog(const QString& project, QWidget* parent = nullptr);
    void setFolder(const QString& folder);
    /// Registers the checkpoint (the Add button).
    void add();
    /// What gpo reported, or the error.
    QString report() const;
    bool added() const { return added_; }

signals:
    /// A policy was registered: the studio refreshes what lists policies.
    void policyAdded(const QString& name);

private:
    void browse();
    void updateButtons();

    QString project_;
    QLineEdit* folder_;
    QLineEdit* name_;
    QCheckBox* makeDefault_;
    QPlainTextEdit* report_;
    QLabel* status_;
    QPushButton* add_;
    GpoProcess* gpo_;
    bool added_ = false;
};

} // namespace gpo::ui
