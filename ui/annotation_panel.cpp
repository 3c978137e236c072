#include "annotation_panel.h"

#include "trajectory_view.h"

#include <QButtonGroup>
#include <QComboBox>
#include <QFrame>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QToolButton>
#include <QVBoxLayout>
#include <algorithm>
#include <set>

namespace gpo::ui {
namespace {

constexpr StepRating kRatings[3] = {StepRating::Good, StepRating::Neutral, StepRating::Bad};

QString text(std::string_view s) {
    return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size()));
}

QString minutes(double seconds) {
    return seconds < 90 ? QObject::tr("%1 s").arg(qRound(seconds))
                        : QObject::tr("%1 min").arg(seconds / 60.0, 0, 'f', 1);
}

} // namespace

AnnotationPanel::AnnotationPanel(QWidget* parent) : QWidget(parent) {
    setFocusPolicy(Qt::StrongFocus);
    // A chosen rating, confidence or "no single step" must stand out at a glance, not be a pale shade.
    setStyleSheet(
        QStringLiteral("QToolButton:checked, QPushButton:checked { background: #1d4ed8; color: white;"
                       " border: 1px solid #1e3a8a; border-radius: 3px; font-weight: bold; }"));
    buildLayout();
    showFinished();
}

AnnotationPanel::~AnnotationPanel() {
    // Closing the studio mid-trajectory keeps the time spent on it.
    if (project_ && detail_ && (annotation_.answered() || annotation_.seconds > 0)) {
        try {
            save();
        } catch (const std::exception&) {
        }
    }
}

void AnnotationPanel::buildLayout() {
    studyChoice_ = new QComboBox(this);
    studyChoice_->setMinimumWidth(160);
    studyChoice_->setToolTip(tr("The study to work on (Study → New Study… makes one)"));
    annotatorChoice_ = new QComboBox(this);
    annotatorChoice_->setEditable(true);
    annotatorChoice_->setMinimumWidth(140);
    annotatorChoice_->setToolTip(tr("Who is annotating: pick a name or type a new one"));
    annotatorChoice_->lineEdit()->setPlaceholderText(tr("Your name"));
    startButton_ = new QPushButton(tr("Start"), this);
    startButton_->setToolTip(tr("Start or resume at the first trajectory you have not answered"));
    connect(startButton_, &QPushButton::clicked, this,
            [this] { start(studyChoice_->currentText(), annotatorChoice_->currentText().trimmed()); });
    progress_ = new QLabel(this);
    auto* top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Study"), this));
    top->addWidget(studyChoice_);
    top->addWidget(new QLabel(tr("Annotator"), this));
    top->addWidget(annotatorChoice_);
    top->addWidget(startButton_);
    top->addStretch();
    top->addWidget(progress_);

    instructions_ = new QLabel(this);
    instructions_->setWordWrap(true);
    instructions_->setStyleSheet(QStringLiteral("color:#374151; background:#eef2ff; padding:6px"));
    header_ = new QLabel(this);
    header_->setStyleSheet(QStringLiteral("color:#6b7280"));
    question_ = new QLabel(this);
    question_->setWordWrap(true);
    question_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    question_->setStyleSheet(QStringLiteral("background:#f3f4f6; padding:8px"));

    stepsHost_ = new QWidget(this);
    stepsLayout_ = new QVBoxLayout(stepsHost_);
    stepsLayout_->setContentsMargins(0, 0, 0, 0);
    stepsLayout_->setSpacing(4);
    auto* body = new QWidget(this);
    auto* bodyLayout = new QVBoxLayout(body);
    bodyLayout->addWidget(header_);
    bodyLayout->addWidget(question_);
    bodyLayout->addWidget(stepsHost_);
    bodyLayout->addStretch();
    scroll_ = new QScrollArea(this);
    scroll_->setWidget(body);
    scroll_->setWidgetResizable(true);
    scroll_->setFocusPolicy(Qt::NoFocus);

    reveal_ = new QLabel(this);
    reveal_->setWordWrap(true);
    noSingle_ = new QPushButton(tr("No single critical step (x)"), this);
    noSingle_->setCheckable(true);
    noSingle_->setFocusPolicy(Qt::NoFocus);
    connect(noSingle_, &QPushButton::clicked, this, [this] { pickNoSingleStep(); });
    confidenceBox_ = new QWidget(this);
    auto* confidenceLayout = new QHBoxLayout(confidenceBox_);
    confidenceLayout->setContentsMargins(0, 0, 0, 0);
    confidenceLayout->addWidget(new QLabel(tr("Confidence"), confidenceBox_));
    confidence_ = new QButtonGroup(this);
    confidence_->setExclusive(false);
    for (int c = 1; c <= 5; ++c) {
        auto* b = new QToolButton(confidenceBox_);
        b->setText(QString::number(c));
        b->setCheckable(true);
        b->setFocusPolicy(Qt::NoFocus);
        b->setToolTip(c == 1 ? tr("A guess (Alt+1)") : c == 5 ? tr("Sure (Alt+5)") : tr("Alt+%1").arg(c));
        confidence_->addButton(b, c);
        confidenceLayout->addWidget(b);
    }
    connect(confidence_, &QButtonGroup::idClicked, this, [this](int c) { setConfidence(c); });
    note_ = new QLineEdit(this);
    note_->setPlaceholderText(tr("Note (optional; Esc returns to the steps)"));
    connect(note_, &QLineEdit::editingFinished, this, [this] { setNote(note_->text()); });
    connect(note_, &QLineEdit::returnPressed, this, [this] { setFocus(); });
    note_->installEventFilter(this);
    previous_ = new QPushButton(tr("← Previous"), this);
    skip_ = new QPushButton(tr("Skip (s)"), this);
    next_ = new QPushButton(tr("Next →"), this);
    for (auto* b : {previous_, skip_, next_})
        b->setFocusPolicy(Qt::NoFocus);
    connect(previous_, &QPushButton::clicked, this, &AnnotationPanel::previous);
    connect(skip_, &QPushButton::clicked, this, &AnnotationPanel::skip);
    connect(next_, &QPushButton::clicked, this, &AnnotationPanel::next);
    auto* answerRow = new QHBoxLayout;
    answerRow->addWidget(noSingle_);
    answerRow->addWidget(confidenceBox_);
    answerRow->addWidget(note_, 1);
    auto* navigation = new QHBoxLayout;
    navigation->addWidget(previous_);
    navigation->addStretch();
    keys_ = new QLabel(this);
    keys_->setStyleSheet(QStringLiteral("color:#6b7280"));
    navigation->addWidget(keys_);
    navigation->addStretch();
    navigation->addWidget(skip_);
    navigation->addWidget(next_);
    message_ = new QLabel(this);
    message_->setStyleSheet(QStringLiteral("color:#b91c1c"));
    message_->hide();

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(instructions_);
    layout->addWidget(scroll_, 1);
    layout->addWidget(reveal_);
    layout->addLayout(answerRow);
    layout->addLayout(navigation);
    layout->addWidget(message_);
}

void AnnotationPanel::setProject(Project* project) {
    if (project_ && detail_) save(); // the time spent on the trajectory shown
    project_ = project;
    study_.reset();
    undo_.clear();
    queue_.clear();
    detail_.reset();
    index_ = -1;
    reloadChoices();
    showFinished();
}

void AnnotationPanel::reloadChoices() {
    const QString study = studyChoice_->currentText(), annotator = annotatorChoice_->currentText();
    studyChoice_->clear();
    annotatorChoice_->clear();
    if (!project_) return;
    try {
        for (const auto& s : listStudies(*project_))
            studyChoice_->addItem(QString::fromStdString(s.name));
        for (const auto& a : listAnnotators(*project_))
            if (a.kind == "human") annotatorChoice_->addItem(QString::fromStdString(a.name));
    } catch (const std::exception& e) {
        report(QString::fromStdString(e.what()));
    }
    if (!study.isEmpty() && studyChoice_->findText(study) >= 0) studyChoice_->setCurrentText(study);
    annotatorChoice_->setCurrentText(annotator);
}

bool AnnotationPanel::start(const QString& study, const QString& annotator) {
    if (!project_) return false;
    if (annotator.trimmed().isEmpty()) {
        report(tr("Type your name as the annotator first."));
        return false;
    }
    if (detail_) leaveFor(index_); // keep what was entered for the previous annotator
    try {
        const Study s = requireStudy(*project_, study.toStdString());
        annotator_ = annotator.trimmed().toStdString();
        ensureAnnotator(*project_, annotator_);
        study_ = s;
        undo_.clear(); // another annotator's or study's actions are not this one's to take back
        queue_ = annotatorQueue(s, studyItems(*project_, s.id), annotator_);
    } catch (const std::exception& e) {
        report(QString::fromStdString(e.what()));
        return false;
    }
    reloadChoices();
    studyChoice_->setCurrentText(study);
    annotatorChoice_->setCurrentText(annotator.trimmed());
    message_->hide();
    std::set<int64_t> done; // answered or skipped: one query, not one per trajectory (10k-trajectory studies)
    try {
        for (const auto& a :
             studyAnnotations(*project_, study_->id, findAnnotator(*project_, annotator_)->id))
            if (a.answered() || a.skipped) done.insert(a.trajectoryId);
    } catch (const std::exception& e) {
        report(QString::fromStdString(e.what()));
    }
    int first = 0;
    while (first < queueSize() && done.count(queue_[static_cast<size_t>(first)]))
        ++first;
    showItem(first);
    setFocus();
    return true;
}

void AnnotationPanel::showItem(int index) {
    index_ = std::clamp(index, 0, queueSize());
    detail_.reset();
    analysis_.reset();
    if (!study_ || index_ >= queueSize()) {
        showFinished();
        return;
    }
    const int64_t id = queue_[static_cast<size_t>(index_)];
    try {
        detail_ = loadTrajectory(*project_, id);
        if (!detail_)
            throw std::runtime_error("trajectory " + std::to_string(id) + " is no longer in the project");
        if (const auto run = latestAnalysisRunFor(*project_, id))
            analysis_ = loadAnalysis(*project_, *run, id);
        const int64_t annotator = findAnnotator(*project_, annotator_)->id;
        if (auto stored = loadAnnotation(*project_, annotator, id, study_->id)) {
            annotation_ = *stored;
        } else {
            annotation_ = Annotation{};
            annotation_.annotatorId = annotator;
            annotation_.trajectoryId = id;
            annotation_.studyId = study_->id;
        }
    } catch (const std::exception& e) {
        detail_.reset();
        report(QString::fromStdString(e.what()));
        return;
    }
    earlierSeconds_ = annotation_.seconds;
    visit_.restart();
    cursor_ = annotation_.criticalStep.value_or(0);
    buildSteps();
    render();
    scroll_->verticalScrollBar()->setValue(0);
}

void AnnotationPanel::showFinished() {
    detail_.reset();
    rows_.clear();
    while (auto* item = stepsLayout_->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    header_->clear();
    const bool done = study_ && index_ >= queueSize();
    question_->setText(
        !project_ ? tr("Open a project to annotate.")
        : done    ? tr("All %1 trajectories of this study are done. Thank you! Use ← Previous "
                          "to look back or change an answer.")
                     .arg(queueSize())
        : studyChoice_->count() == 0
            ? tr("This project has no study yet. Filter the trajectory list to the trajectories "
                 "people should annotate, then use Study → New Study from List… (or `gpo study "
                 "create` on the command line).")
            : tr("Choose a study and type your name, then press Start."));
    instructions_->setVisible(study_.has_value() && !study_->config.instructions.empty());
    if (study_) instructions_->setText(QString::fromStdString(study_->config.instructions));
    reveal_->clear();
    for (QWidget* w : std::initializer_list<QWidget*>{noSingle_, confidenceBox_, note_, skip_, next_})
        w->setEnabled(false);
    previous_->setEnabled(done && queueSize() > 0);
    updateProgress();
}

void AnnotationPanel::buildSteps() {
    rows_.clear();
    while (auto* item = stepsLayout_->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    const Trajectory& t = detail_->trajectory;
    const bool labels = study_->config.stepLabels;
    for (size_t i = 0; i < t.steps.size(); ++i) {
        const int step = static_cast<int>(i);
        StepRow row;
        row.frame = new QFrame(stepsHost_);
        row.frame->setObjectName(QStringLiteral("step"));
        row.frame->setCursor(Qt::PointingHandCursor);
        row.frame->setToolTip(tr("Click to pick step %1 as the most critical").arg(step + 1));
        auto* layout = new QHBoxLayout(row.frame);
        layout->setContentsMargins(6, 4, 6, 4);
        auto* number = new QPushButton(QString::number(step + 1), row.frame);
        number->setFixedWidth(34);
        number->setFocusPolicy(Qt::NoFocus);
        connect(number, &QPushButton::clicked, this, [this, step] { pickStep(step); });
        row.text = new QLabel(text(stepText(t, i)), row.frame);
        row.text->setWordWrap(true);
        row.text->setTextInteractionFlags(Qt::NoTextInteraction);
        row.model = new QLabel(row.frame);
        row.model->setMinimumWidth(150);
        row.model->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
        layout->addWidget(number, 0, Qt::AlignTop);
        layout->addWidget(row.text, 1);
        layout->addWidget(row.model);
        if (labels) {
            const char* names[3] = {"+", "0", "−"};
            const char* tips[3] = {"good (+)", "neutral (0)", "bad (-)"};
            for (int r = 0; r < 3; ++r) {
                auto* b = new QToolButton(row.frame);
                b->setText(QString::fromUtf8(names[r]));
                b->setCheckable(true);
                b->setFocusPolicy(Qt::NoFocus);
                b->setToolTip(tr("Rate step %1 %2").arg(step + 1).arg(QString::fromLatin1(tips[r])));
                connect(b, &QToolButton::clicked, this, [this, step, r] { rateStep(step, kRatings[r]); });
                layout->addWidget(b, 0, Qt::AlignTop);
                row.rating[r] = b;
            }
        }
        // A click anywhere on the row picks it.
        row.frame->installEventFilter(this);
        row.text->installEventFilter(this);
        stepsLayout_->addWidget(row.frame);
        rows_.push_back(row);
    }
}

bool AnnotationPanel::valuesShown() const {
    return detail_ && analysis_ && study_ && (!study_->config.blind || annotation_.answered());
}

void AnnotationPanel::render() {
    if (!detail_) return;
    const auto& t = detail_->trajectory;
    header_->setText(
        tr("Trajectory %1 · %2 · %3 steps").arg(detail_->id).arg(text(detail_->dataset)).arg(t.steps.size()));
    question_->setText(text(detail_->problem.question));
    instructions_->setVisible(!study_->config.instructions.empty());
    instructions_->setText(QString::fromStdString(study_->config.instructions));
    const bool shown = valuesShown();
    for (size_t i = 0; i < rows_.size(); ++i) {
        const int step = static_cast<int>(i);
        const bool picked = annotation_.criticalStep && *annotation_.criticalStep == step;
        const bool atCursor = cursor_ == step;
        QString background = picked ? QStringLiteral("#bbf7d0") : QStringLiteral("#ffffff");
        QString model;
        if (shown) {
            const StepEstimate* e = analysis_->estimate(step);
            if (e && e->advantage) {
                if (!picked) background = advantageColor(*e->advantage).name();
                model =
                    tr("V %1 · A %2").arg(e->value, 0, 'f', 2).arg(QString::asprintf("%+.2f", *e->advantage));
            }
            QStringList by;
            for (const auto& s : analysis_->pickedBy(step))
                by << QString::fromStdString(s);
            if (!by.isEmpty())
                model += QStringLiteral("<br/><span style='color:#7c3aed'>★ %1</span>")
                             .arg(by.join(QStringLiteral(", ")));
        }
        rows_[i].frame->setStyleSheet(
            QStringLiteral("QFrame#step { background:%1; border:%2; border-radius:4px }")
                .arg(background,
                     atCursor ? QStringLiteral("2px solid #2563eb") : QStringLiteral("1px solid #e5e7eb")));
        rows_[i].text->setStyleSheet(picked ? QStringLiteral("font-weight:bold") : QString());
        rows_[i].model->setText(model);
        const auto& labels = annotation_.stepLabels;
        for (int r = 0; r < 3; ++r)
            if (rows_[i].rating[r])
                rows_[i].rating[r]->setChecked(i < labels.size() && labels[i] && *labels[i] == kRatings[r]);
    }
    if (!analysis_)
        reveal_->setText(
            study_->config.blind && !annotation_.answered()
                ? QString()
                : tr("<span style='color:#6b7280'>No model analysis of this trajectory here.</span>"));
    else if (!shown)
        reveal_->setText(
            tr("<span style='color:#6b7280'>Blind study: the model's values and picks appear once "
               "you have answered.</span>"));
    else
        reveal_->setText(
            tr("<span style='color:#6b7280'>Model (analysis run %1): V = value before the step, A = "
               "its advantage; ★ = the selectors' picks.</span>")
                .arg(analysis_->runId));
    keys_->setText(
        tr("1–9 or j/k + Enter: pick · x: none%1%2 · → next · ← previous · s skip · Ctrl+Z undo")
            .arg(study_->config.stepLabels ? tr(" · +/0/-: rate the step at the cursor") : QString(),
                 study_->config.confidence ? tr(" · Alt+1–5: confidence") : QString()));
    noSingle_->setChecked(annotation_.noSingleStep);
    confidenceBox_->setVisible(study_->config.confidence);
    for (int c = 1; c <= 5; ++c)
        confidence_->button(c)->setChecked(annotation_.confidence == c);
    if (!note_->hasFocus()) note_->setText(QString::fromStdString(annotation_.note));
    for (QWidget* w :
         std::initializer_list<QWidget*>{noSingle_, confidenceBox_, note_, skip_, next_, previous_})
        w->setEnabled(true);
    previous_->setEnabled(index_ > 0);
    next_->setText(index_ + 1 < queueSize() ? tr("Next →") : tr("Finish →"));
    if (cursor_ >= 0 && cursor_ < static_cast<int>(rows_.size()))
        scroll_->ensureWidgetVisible(rows_[static_cast<size_t>(cursor_)].frame, 0, 40);
    updateProgress();
}

void AnnotationPanel::updateProgress() {
    progress_->setText(progressText());
}

QString AnnotationPanel::progressText() const {
    if (!study_ || !project_) return {};
    try {
        const StudyProgress p = studyProgress(*project_, *study_, annotator_, queueSize());
        return tr("%1 of %2 · %3 answered · %4 skipped · %5")
                   .arg(std::min(index_ + 1, queueSize()))
                   .arg(queueSize())
                   .arg(p.answered)
                   .arg(p.skipped)
                   .arg(minutes(p.seconds)) +
               (study_->config.blind ? tr(" · blind") : QString());
    } catch (const std::exception&) {
        return {};
    }
}

void AnnotationPanel::save() {
    if (!detail_ || !project_) return;
    annotation_.seconds = earlierSeconds_ + static_cast<double>(visit_.elapsed()) / 1000.0;
    if (annotation_.answered()) annotation_.skipped = false;
    try {
        saveAnnotation(*project_, annotation_);
        message_->hide();
        emit saved(annotation_.trajectoryId);
    } catch (const std::exception& e) {
        report(tr("Not saved: %1").arg(QString::fromStdString(e.what())));
    }
}

void AnnotationPanel::report(const QString& message) {
    message_->setText(message);
    message_->show();
    emit failed(message);
}

void AnnotationPanel::pickStep(int step) {
    if (!detail_ || step < 0 || step >= static_cast<int>(rows_.size())) return;
    remember();
    annotation_.criticalStep = step;
    annotation_.noSingleStep = false;
    cursor_ = step;
    save();
    render();
}

void AnnotationPanel::pickNoSingleStep() {
    if (!detail_) return;
    remember();
    annotation_.criticalStep.reset();
    annotation_.noSingleStep = true;
    save();
    render();
}

void AnnotationPanel::moveCursor(int delta) {
    if (!detail_ || rows_.empty()) return;
    cursor_ = std::clamp(cursor_ + delta, 0, static_cast<int>(rows_.size()) - 1);
    render();
}

void AnnotationPanel::pickCursor() {
    pickStep(cursor_);
}

void AnnotationPanel::rateStep(int step, StepRating rating) {
    if (!detail_ || !study_->config.stepLabels || step < 0 || step >= static_cast<int>(rows_.size())) return;
    remember();
    auto& labels = annotation_.stepLabels;
    labels.resize(rows_.size());
    auto& l = labels[static_cast<size_t>(step)];
    l = (l && *l == rating) ? std::nullopt : std::optional<StepRating>(rating);
    if (std::none_of(labels.begin(), labels.end(), [](const auto& x) { return x.has_value(); }))
        labels.clear();
    save();
    render();
}

void AnnotationPanel::setConfidence(int confidence) {
    if (!detail_ || confidence < 1 || confidence > 5) return;
    remember();
    annotation_.confidence =
        annotation_.confidence == confidence ? std::nullopt : std::optional<int>(confidence);
    save();
    render();
}

void AnnotationPanel::setNote(const QString& note) {
    if (!detail_ || note.toStdString() == annotation_.note) return;
    remember();
    annotation_.note = note.toStdString();
    save();
}

void AnnotationPanel::leaveFor(int index) {
    if (detail_) {
        if (note_->text().toStdString() != annotation_.note) annotation_.note = note_->text().toStdString();
        if (!annotation_.answered()) annotation_.skipped = true;
        save();
    }
    showItem(index);
}

void AnnotationPanel::next() {
    if (detail_) leaveFor(index_ + 1);
}

void AnnotationPanel::previous() {
    if (index_ > 0) leaveFor(index_ - 1);
}

void AnnotationPanel::skip() {
    if (!detail_) return;
    remember();
    annotation_.skipped = true;
    leaveFor(index_ + 1);
}

bool AnnotationPanel::undo() {
    if (undo_.empty() || !study_) return false;
    const UndoEntry entry = undo_.back();
    undo_.pop_back();
    if (entry.index != index_ || !detail_) {
        if (detail_) save();
        showItem(entry.index);
        if (!detail_) return false;
    }
    const double seconds = annotation_.seconds; // the time spent stays spent
    annotation_ = entry.before;
    annotation_.seconds = seconds;
    cursor_ = annotation_.criticalStep.value_or(cursor_);
    save();
    render();
    return true;
}

std::optional<int64_t> AnnotationPanel::currentTrajectory() const {
    if (!detail_) return std::nullopt;
    return detail_->id;
}

void AnnotationPanel::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    if (detail_) setFocus();
}

bool AnnotationPanel::eventFilter(QObject* watched, QEvent* event) {
    if (watched == note_ && event->type() == QEvent::KeyPress &&
        static_cast<QKeyEvent*>(event)->key() == Qt::Key_Escape) {
        setNote(note_->text());
        setFocus();
        return true;
    }
    if (event->type() == QEvent::MouseButtonPress)
        for (size_t i = 0; i < rows_.size(); ++i)
            if (watched == rows_[i].frame || watched == rows_[i].text) {
                pickStep(static_cast<int>(i));
                setFocus();
                return true;
            }
    return QWidget::eventFilter(watched, event);
}

void AnnotationPanel::keyPressEvent(QKeyEvent* event) {
    const int key = event->key();
    const bool alt = event->modifiers() & Qt::AltModifier;
    if (event->matches(QKeySequence::Undo)) {
        undo();
    } else if (alt && key >= Qt::Key_1 && key <= Qt::Key_5) {
        setConfidence(key - Qt::Key_0);
    } else if (!alt && key >= Qt::Key_1 && key <= Qt::Key_9) {
        pickStep(key - Qt::Key_1);
    } else if (key == Qt::Key_J || key == Qt::Key_Down) {
        moveCursor(1);
    } else if (key == Qt::Key_K || key == Qt::Key_Up) {
        moveCursor(-1);
    } else if (key == Qt::Key_Return || key == Qt::Key_Enter) {
        pickCursor();
    } else if (key == Qt::Key_X) {
        pickNoSingleStep();
    } else if (key == Qt::Key_Plus || key == Qt::Key_Equal) {
        rateStep(cursor_, StepRating::Good);
    } else if (key == Qt::Key_0) {
        rateStep(cursor_, StepRating::Neutral);
    } else if (key == Qt::Key_Minus) {
        rateStep(cursor_, StepRating::Bad);
    } else if (key == Qt::Key_Right || key == Qt::Key_L) {
        next();
    } else if (key == Qt::Key_Left || key == Qt::Key_H) {
        previous();
    } else if (key == Qt::Key_S) {
        skip();
    } else {
        QWidget::keyPressEvent(event);
        return;
    }
    event->accept();
}

} // namespace gpo::ui
