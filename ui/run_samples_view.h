#pragma once
// What an online run (GRPO, PPO) drew at a step: each completion with its problem, reward and how it
// ended, and GPO's reset samples with the step they restarted from. A slider moves through the logged
// steps, so a user reads what the policy wrote at step 10 and at step 500; the list follows the run.
#include "store/run_samples.h"

#include <QWidget>
#include <memory>

class QLabel;
class QPlainTextEdit;
class QSlider;
class QTableWidget;

namespace gpo::ui {

class RunSamplesView : public QWidget {
    Q_OBJECT
public:
    explicit RunSamplesView(QWidget* parent = nullptr);
    /// Shows the samples file of a run's folder (none: the run logs no samples).
    void setRunFolder(const QString& folder);
    /// Reads what was appended; keeps the step shown unless it was the newest.
    void refresh();
    /// Shows the samples of a logged step; false when it has none.
    bool showStep(int64_t step);
    int64_t shownStep() const { return shown_; }

    QTableWidget* table() const { return table_; }
    QSlider* stepSlider() const { return slider_; }

private:
    void showRow(int row);

    std::unique_ptr<RunSamplesIndex> index_;
    std::vector<int64_t> steps_;
    std::vector<RunSample> samples_;
    int64_t shown_ = -1;
    QSlider* slider_;
    QLabel* stepLabel_;
    QTableWidget* table_;
    QPlainTextEdit* text_;
    QLabel* empty_;
};

} // namespace gpo::ui
