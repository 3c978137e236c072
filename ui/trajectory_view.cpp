#include "trajectory_view.h"

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

} // namespace

QString trajectoryHtml(const TrajectoryDetail& d) {
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
    h += QStringLiteral("<table width='100%' cellspacing='0' cellpadding='5'>");
    for (size_t i = 0; i < t.steps.size(); ++i) {
        const bool firstError = t.firstError && *t.firstError == static_cast<int>(i);
        const QString bg = firstError ? QStringLiteral("#fee2e2")
                                      : (i % 2 ? QStringLiteral("#ffffff") : QStringLiteral("#f9fafb"));
        h +=
            QStringLiteral(
                "<tr style='background:%1'><td valign='top' width='36' style='color:#2563eb'><b>%2</b></td>"
                "<td valign='top'>%3</td><td valign='top' width='90' align='right'>%4%5</td></tr>")
                .arg(bg)
                .arg(i + 1)
                .arg(multiline(stepText(t, i)), ratingBadge(t.steps[i].label),
                     firstError ? QStringLiteral("<br/><span style='color:#b91c1c'><b>first error</b></span>")
                                : QString());
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
    showMessage(tr("Select a trajectory."));
}

void TrajectoryView::showTrajectory(const TrajectoryDetail& detail) {
    id_ = detail.id;
    steps_ = static_cast<int>(detail.trajectory.steps.size());
    setHtml(trajectoryHtml(detail));
}

void TrajectoryView::showMessage(const QString& message) {
    id_.reset();
    steps_ = 0;
    setHtml(QStringLiteral("<p style='color:#6b7280'>%1</p>").arg(message.toHtmlEscaped()));
}

} // namespace gpo::ui
