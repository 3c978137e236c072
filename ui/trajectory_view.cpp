#include "trajectory_view.h"

#include <QScrollBar>
#include <QUrl>
#include <algorithm>
#include <cmath>

namespace gpo::ui {
namespace {

QString esc(std::string_view s) {
    return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size())).toHtmlEscaped();
}

QString multiline(std::string_view s) {
    return esc(s).replace(QLatin1Char('\n'), QStringLiteral("<br/>"));
}

QString ratingBadge(const std::optional<int>& label) {
    if (!label) return {};
    switch (*label) {
    case 1:
        return QStringLiteral("<span style='color:#15803d'>&#9650; good</span>");
    case 0:
        return QStringLiteral("<span style='color:#6b7280'>&#9679; neutral</span>");
    default:
        return QStringLiteral("<span style='color:#b91c1c'>&#9660; bad</span>");
    }
}

/// Short names of the selectors that picked `step`, as badges.
QString pickBadges(const TrajectoryAnalysis& a, int step) {
    QStringList names;
    for (const auto& selector : a.pickedBy(step))
        names << QString::fromStdString(selector);
    if (names.isEmpty()) return {};
    return QStringLiteral("<br/><span style='color:#7c3aed'>&#9733; %1</span>")
        .arg(names.join(QStringLiteral(", ")));
}

} // namespace

QColor advantageColor(double a) {
    const double t = std::clamp(std::fabs(a), 0.0, 1.0) * 0.55; // light enough to read text on
    const QColor to = a < 0 ? QColor(220, 38, 38) : QColor(37, 99, 235);
    auto mix = [t](int from, int target) { return static_cast<int>(from + (target - from) * t); };
    return QColor(mix(255, to.red()), mix(255, to.green()), mix(255, to.blue()));
}

QString trajectoryHtml(const TrajectoryDetail& d, const std::optional<TrajectoryAnalysis>& analysis) {
    const Trajectory& t = d.trajectory;
    QString h;
    h += QStringLiteral("<div style='color:#6b7280'>Trajectory %1 &middot; %2 &middot; %3")
             .arg(d.id)
             .arg(esc(d.dataset), esc(t.source));
    if (!d.problem.subject.empty()) h += QStringLiteral(" &middot; ") + esc(d.problem.subject);
    if (!d.problem.level.empty()) h += QStringLiteral(" &middot; ") + esc(d.problem.level);
    h += QStringLiteral("</div>");
    h += QStringLiteral("<h3 style='margin-bottom:4px'>Question</h3><div style='background:#f3f4f6; "
                        "padding:8px'>%1</div>")
             .arg(multiline(d.problem.question));
    h += QStringLiteral("<h3 style='margin-bottom:4px'>Steps (%1)</h3>").arg(t.steps.size());
    if (analysis)
        h += QStringLiteral(
                 "<p style='color:#6b7280; margin-top:0'>Analysis run %1. Tint: the step's advantage "
                 "A = V(after) &minus; V(before), <span style='background:%2'>&nbsp;loss&nbsp;</span> "
                 "to <span style='background:%3'>&nbsp;gain&nbsp;</span>; V: the value before the "
                 "step [95% interval]; &#9733;: selectors' picks.</p>")
                 .arg(analysis->runId)
                 .arg(advantageColor(-1).name(), advantageColor(1).name());
    h += QStringLiteral("<table width='100%' cellspacing='0' cellpadding='5'>");
    for (size_t i = 0; i < t.steps.size(); ++i) {
        const int step = static_cast<int>(i);
        const bool firstError = t.firstError && *t.firstError == step;
        QString bg = firstError ? QStringLiteral("#fee2e2")
                                : (i % 2 ? QStringLiteral("#ffffff") : QStringLiteral("#f9fafb"));
        QString numbers;
        if (analysis) {
            const StepEstimate* e = analysis->estimate(step);
            if (e && e->advantage) bg = advantageColor(*e->advantage).name();
            if (e)
                numbers =
                    QStringLiteral("<br/><span style='color:#374151; font-size:small'>V %1 [%2, %3]<br/>"
                                   "A %4<br/><a href='rollouts:%5'>%6 rollouts</a></span>")
                        .arg(e->value, 0, 'f', 2)
                        .arg(e->ciLow, 0, 'f', 2)
                        .arg(e->ciHigh, 0, 'f', 2)
                        .arg(e->advantage ? QString::asprintf("%+.2f", *e->advantage) : QStringLiteral("–"))
                        .arg(step)
                        .arg(e->k);
            numbers += pickBadges(*analysis, step);
        }
        h +=
            QStringLiteral(
                "<tr style='background:%1'><td valign='top' width='36' style='color:#2563eb'><a "
                "name='step-%7'></a><b>%2</b></td>"
                "<td valign='top'>%3</td><td valign='top' width='150' align='right'>%4%5%6</td></tr>")
                .arg(bg)
                .arg(i + 1)
                .arg(multiline(stepText(t, i)), ratingBadge(t.steps[i].label),
                     firstError ? QStringLiteral("<br/><span style='color:#b91c1c'><b>first error</b></span>")
                                : QString(),
                     numbers)
                .arg(step);
    }
    h += QStringLiteral("</table>");
    if (t.firstError && *t.firstError == -1)
        h += QStringLiteral("<p style='color:#15803d'>Labelled: no wrong step.</p>");
    h += QStringLiteral("<h3 style='margin-bottom:4px'>Answer</h3><table cellpadding='3'>");
    h +=
        QStringLiteral("<tr><td>Reference</td><td><b>%1</b>%2</td></tr>")
            .arg(
                d.problem.answer.empty() ? QStringLiteral("(none)") : esc(d.problem.answer),
                d.answerFrom.empty()
                    ? QString()
                    : QStringLiteral(" <span style='color:#6b7280'>(from %1)</span>").arg(esc(d.answerFrom)));
    h += QStringLiteral("<tr><td>Final answer</td><td><b>%1</b></td></tr>")
             .arg(d.finalAnswer.empty() ? QStringLiteral("(not verified yet)") : esc(d.finalAnswer));
    QString verdict =
        QStringLiteral("<span style='color:#6b7280'>not verified (Project &rarr; Verify Answers)</span>");
    if (d.correct)
        verdict = *d.correct ? QStringLiteral("<span style='color:#15803d'><b>&#10004; right</b></span>")
                             : QStringLiteral("<span style='color:#b91c1c'><b>&#10008; wrong</b></span>");
    h += QStringLiteral(
             "<tr><td>Verdict</td><td>%1 <span style='color:#6b7280'>(verifier: %2)</span></td></tr>")
             .arg(verdict, esc(d.verifier));
    if (t.labeledCorrect)
        h += QStringLiteral("<tr><td>Data's label</td><td>%1</td></tr>")
                 .arg(*t.labeledCorrect ? QStringLiteral("final answer right")
                                        : QStringLiteral("final answer wrong"));
    h += QStringLiteral("</table>");
    return h;
}

TrajectoryView::TrajectoryView(QWidget* parent) : QTextBrowser(parent) {
    setOpenLinks(false);
    connect(this, &QTextBrowser::anchorClicked, this, [this](const QUrl& url) {
        if (url.scheme() == QLatin1String("rollouts") && id_ && run_)
            emit rolloutsRequested(*id_, *run_, url.path().toInt());
    });
    showMessage(tr("Select a trajectory."));
}

void TrajectoryView::showTrajectory(const TrajectoryDetail& detail,
                                    const std::optional<TrajectoryAnalysis>& analysis) {
    const bool same = id_ && *id_ == detail.id;
    const int scroll = verticalScrollBar()->value();
    id_ = detail.id;
    run_ = analysis ? std::optional<int64_t>(analysis->runId) : std::nullopt;
    steps_ = static_cast<int>(detail.trajectory.steps.size());
    setHtml(trajectoryHtml(detail, analysis));
    if (same) verticalScrollBar()->setValue(scroll); // results landing while reading do not jump the view
}

void TrajectoryView::showMessage(const QString& message) {
    id_.reset();
    run_.reset();
    steps_ = 0;
    setHtml(QStringLiteral("<p style='color:#6b7280'>%1</p>").arg(message.toHtmlEscaped()));
}

} // namespace gpo::ui
