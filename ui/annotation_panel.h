#pragma once
// Annotation mode: one trajectory of a study at a time, its steps numbered; the annotator picks the most
// critical step (mouse, 1–9, j/k or arrows + Enter), or "no single critical step", and may rate steps
// good / neutral / bad, say how sure they are and leave a note. Every action is committed to the project
// at once, with the time spent. In a blind study the model's values and picks stay hidden until the
// annotator has answered.
#include "store/analysis.h"
#include "store/annotations.h"
#include "store/queries.h"
#include "store/studies.h"

#include <QElapsedTimer>
#include <QWidget>
#include <optional>
#include <vector>

class QButtonGroup;
class QComboBox;
class QFrame;
class QLabel;
class QLineEdit;
class QPushButton;
class QScrollArea;
class QToolButton;
class QVBoxLayout;

namespace gpo::ui {

class AnnotationPanel : public QWidget {
    Q_OBJECT
public:
    explicit AnnotationPanel(QWidget* parent = nullptr);
    ~AnnotationPanel() override;

    /// The project to annotate in (not owned; nullptr: none). Reloads the study and annotator lists.
    void setProject(Project* project);
    /// Fills the study and annotator choices from the project, keeping the current ones.
    void reloadChoices();
    /// Starts (or resumes) `annotator` on `study`, at the first trajectory they have not answered or
    /// skipped. The annotator is created when new. Returns false (with the reason shown) on failure.
    bool start(const QString& study, const QString& annotator);

    // What the keys and buttons do (public for tests and scripting).
    void pickStep(int step); ///< 0-based
    void pickNoSingleStep();
    void moveCursor(int delta);
    void pickCursor();
    /// Sets (or, given the same rating again, clears) a step's rating.
    void rateStep(int step, StepRating rating);
    void setConfidence(int confidence); ///< 1–5; the same again clears it
    void setNote(const QString& note);
    void next();
    void previous();
    void skip();
    /// Takes back the last answer, rating, confidence, note or skip (Ctrl+Z), going back to its trajectory;
    /// the previous state is committed like any edit. False when there is nothing to undo.
    bool undo();
    bool canUndo() const { return !undo_.empty(); }

    std::optional<int64_t> currentTrajectory() const;
    /// 0-based place in the annotator's queue; queueSize() when finished.
    int position() const { return index_; }
    int queueSize() const { return static_cast<int>(queue_.size()); }
    int cursor() const { return cursor_; }
    const Annotation& annotation() const { return annotation_; }
    /// Whether the model's values and picks are on screen.
    bool valuesShown() const;
    QString progressText() const;

signals:
    /// An annotation was committed to the project.
    void saved(int64_t trajectoryId);
    /// Something went wrong (shown in the panel too).
    void failed(const QString& message);

protected:
    void keyPressEvent(QKeyEvent* event) override;
    bool eventFilter(QObject* watched, QEvent* event) override;
    void showEvent(QShowEvent* event) override;

private:
    struct StepRow {
        QFrame* frame = nullptr;
        QLabel* text = nullptr;
        QLabel* model = nullptr;
        QToolButton* rating[3] = {nullptr, nullptr, nullptr}; ///< good, neutral, bad
    };

    void buildLayout();
    void showItem(int index);
    void showFinished();
    void buildSteps();
    void render();
    /// Commits the current annotation with the time spent so far on this visit.
    void save();
    /// Leaves the current trajectory (recording it as skipped when unanswered) for `index`.
    void leaveFor(int index);
    void updateProgress();
    void report(const QString& message);

    Project* project_ = nullptr;
    std::optional<Study> study_;
    std::string annotator_;
    std::vector<int64_t> queue_;
    int index_ = -1;
    /// The annotation as it was before each action of this session (newest last).
    struct UndoEntry {
        int index;
        Annotation before;
    };
    std::vector<UndoEntry> undo_;
    void remember() { undo_.push_back({index_, annotation_}); }
    std::optional<TrajectoryDetail> detail_;
    std::optional<TrajectoryAnalysis> analysis_;
    Annotation annotation_;
    double earlierSeconds_ = 0;
    QElapsedTimer visit_;
    int cursor_ = 0;

    QComboBox* studyChoice_;
    QComboBox* annotatorChoice_;
    QPushButton* startButton_;
    QLabel* progress_;
    QLabel* instructions_;
    QLabel* header_;
    QLabel* question_;
    QScrollArea* scroll_;
    QWidget* stepsHost_;
    QVBoxLayout* stepsLayout_;
    std::vector<StepRow> rows_;
    QLabel* reveal_;
    QPushButton* noSingle_;
    QWidget* confidenceBox_;
    QButtonGroup* confidence_;
    QLineEdit* note_;
    QPushButton* previous_;
    QPushButton* skip_;
    QPushButton* next_;
    QLabel* message_;
    QLabel* keys_;
};

} // namespace gpo::ui
