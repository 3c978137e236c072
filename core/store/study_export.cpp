#include "store/study_export.h"

#include "data/csv.h"

#include <cstdio>

namespace gpo {
namespace {

// Exports number steps from 1, as the studio, `gpo show` and `gpo study answer --step` do; the project
// stores them from 0.
constexpr const char* kAnnotationRows =
    "SELECT coalesce(s.name, ''), a.name, a.kind, n.trajectory_id, d.name, t.n_steps, n.critical_step,"
    " n.no_single_step, n.skipped, n.step_labels, n.confidence, n.note, n.seconds, n.updated_at"
    " FROM annotations n JOIN annotators a ON a.id = n.annotator_id LEFT JOIN studies s ON s.id = n.study_id"
    " JOIN trajectories t ON t.id = n.trajectory_id JOIN problems p ON p.id = t.problem_id"
    " JOIN datasets d ON d.id = p.dataset_id WHERE (?1 IS NULL OR n.study_id = ?1)"
    " ORDER BY s.name, a.name, n.trajectory_id";

/// A number with `digits` decimals; with general, `digits` significant digits. Empty for non-numbers.
std::string number(const nlohmann::json& v, int digits, bool general = false) {
    if (!v.is_number()) return {};
    char text[48];
    std::snprintf(text, sizeof text, general ? "%.*g" : "%.*f", digits, v.get<double>());
    return text;
}

std::string latexEscape(const std::string& s) {
    std::string out;
    for (char c : s) {
        if (c == '_' || c == '%' || c == '&' || c == '#' || c == '$' || c == '{' || c == '}') out += '\\';
        out += c;
    }
    return out;
}

} // namespace

int64_t writeAnnotationsCsv(Project& project, std::optional<int64_t> studyId, std::ostream& out) {
    out << "study,annotator,annotator_kind,trajectory_id,dataset,steps,critical_step,no_single_step,skipped,"
           "step_labels,confidence,note,seconds,updated_at\n";
    auto st = project.db().prepare(kAnnotationRows);
    st.bind(1, studyId);
    int64_t rows = 0;
    while (st.step()) {
        out << csv::field(st.columnText(0)) << ',' << csv::field(st.columnText(1)) << ','
            << csv::field(st.columnText(2)) << ',' << st.columnInt(3) << ',' << csv::field(st.columnText(4))
            << ',' << st.columnInt(5) << ','
            << (st.columnIsNull(6) ? std::string() : std::to_string(st.columnInt(6) + 1)) << ','
            << st.columnInt(7) << ',' << st.columnInt(8) << ',' << csv::field(st.columnText(9)) << ','
            << (st.columnIsNull(10) ? std::string() : std::to_string(st.columnInt(10))) << ','
            << csv::field(st.columnText(11)) << ',' << number(st.columnDouble(12), 1) << ','
            << st.columnText(13) << '\n';
        ++rows;
    }
    return rows;
}

nlohmann::json annotationsJson(Project& project, std::optional<int64_t> studyId) {
    nlohmann::json rows = nlohmann::json::array();
    auto st = project.db().prepare(kAnnotationRows);
    st.bind(1, studyId);
    auto optionalInt = [&](int i) {
        return st.columnIsNull(i) ? nlohmann::json() : nlohmann::json(st.columnInt(i));
    };
    while (st.step()) {
        nlohmann::json labels =
            st.columnIsNull(9) ? nlohmann::json() : nlohmann::json::parse(st.columnText(9), nullptr, false);
        rows.push_back(
            {{"study", st.columnText(0)},
             {"annotator", st.columnText(1)},
             {"annotator_kind", st.columnText(2)},
             {"trajectory_id", st.columnInt(3)},
             {"dataset", st.columnText(4)},
             {"steps", st.columnInt(5)},
             {"critical_step", st.columnIsNull(6) ? nlohmann::json() : nlohmann::json(st.columnInt(6) + 1)},
             {"no_single_step", st.columnInt(7) != 0},
             {"skipped", st.columnInt(8) != 0},
             {"step_labels", labels.is_discarded() ? nlohmann::json() : labels},
             {"confidence", optionalInt(10)},
             {"note", st.columnText(11)},
             {"seconds", st.columnDouble(12)},
             {"updated_at", st.columnText(13)}});
    }
    return rows;
}

void writeReportCsv(const nlohmann::json& report, std::ostream& out) {
    out << "section,selector,labels,group,statistic,value,ci_low,ci_high\n";
    auto row = [&](const std::string& section, const std::string& selector, const std::string& labels,
                   const std::string& group, const std::string& statistic, const nlohmann::json& value,
                   const nlohmann::json& ci) {
        if (!value.is_number()) return;
        out << csv::field(section) << ',' << csv::field(selector) << ',' << csv::field(labels) << ','
            << csv::field(group) << ',' << statistic << ',' << number(value, 6, true) << ','
            << (ci.is_array() ? number(ci[0], 6, true) : "") << ','
            << (ci.is_array() ? number(ci[1], 6, true) : "") << '\n';
    };
    auto agreementRows = [&](const std::string& section, const nlohmann::json& r, const std::string& labels,
                             const std::string& group) {
        const std::string selector = r.value("selector", "");
        const nlohmann::json none;
        row(section, selector, labels, group, "n", r["n"], none);
        for (const char* key : {"exact", "within_1", "within_2", "processbench_f1"})
            row(section, selector, labels, group, key, r.value(key, none),
                r.contains("ci95") ? r["ci95"].value(key, none) : none);
        for (const char* key : {"mean_abs_offset", "mean_offset"})
            row(section, selector, labels, group, key, r.value(key, none), none);
    };
    for (const auto& r : report["comparisons"])
        agreementRows("selector_vs_labels", r, r["labels"], "");
    for (const auto& r : report["people_vs_model"])
        agreementRows("people_vs_model", r, "people", "");
    for (const auto& r : report["by_dataset"])
        agreementRows("by_dataset", r, "people", r["dataset"]);
    for (const auto& r : report["by_length"])
        agreementRows("by_length", r, "people", r["length"]);
    if (const auto& b = report["between_annotators"]; b.is_object()) {
        for (const char* key : {"n_units", "n_raters"})
            row("between_annotators", "", "people", "", key, b[key], nullptr);
        for (const char* key :
             {"percent_agreement", "cohen_kappa", "fleiss_kappa", "alpha_nominal", "alpha_interval"})
            row("between_annotators", "", "people", "", key, b[key], b["ci95"][key]);
    }
    for (const auto& r : report["annotators"])
        for (const char* key : {"answered", "no_single_step", "skipped", "agreement_with_others",
                                "mean_seconds", "mean_confidence"})
            row("annotators", "", r["annotator"], "", key, r.value(key, nlohmann::json()), nullptr);
    const auto& c = report["advantage_vs_people"];
    for (const char* key : {"spearman_advantage", "spearman_abs_advantage"})
        row("advantage_vs_people", "", "people", "", key, c.value(key, nlohmann::json()), nullptr);
    for (const auto& r : report["per_trajectory"])
        for (const auto& [selector, share] : r["match"].items())
            row("per_trajectory", selector, "people", std::to_string(r["trajectory_id"].get<int64_t>()),
                "match_share", share, nullptr);
}

std::string reportCaption(const std::string& study) {
    return "Agreement of people's critical-step picks with each selector" +
           (study.empty() ? std::string() : " (study " + study + ")") + "; 95% bootstrap intervals.";
}

std::string reportLatex(const nlohmann::json& report, const std::string& caption) {
    std::string t =
        "% Made by gpo agreement. Needs \\usepackage{booktabs}.\n\\begin{table}[t]\n\\centering\n"
        "\\begin{tabular}{lrrrrr}\n\\toprule\n"
        "Selector & $n$ & Exact [95\\% CI] & Within $\\pm1$ & Within $\\pm2$ & Mean $|\\Delta|$ \\\\\n"
        "\\midrule\n";
    for (const auto& r : report["people_vs_model"]) {
        const auto& ci = r["ci95"]["exact"];
        t += latexEscape(r["selector"].get<std::string>()) + " & " + std::to_string(r["n"].get<int64_t>()) +
             " & " + number(r["exact"], 2) +
             (ci.is_array() ? " [" + number(ci[0], 2) + ", " + number(ci[1], 2) + "]" : "") + " & " +
             number(r["within_1"], 2) + " & " + number(r["within_2"], 2) + " & " +
             (r["mean_abs_offset"].is_number() ? number(r["mean_abs_offset"], 2) : "--") + " \\\\\n";
    }
    t += "\\bottomrule\n\\end{tabular}\n";
    if (const auto& b = report["between_annotators"]; b.is_object()) {
        auto cell = [&](const char* key) {
            const auto& ci = b["ci95"][key];
            if (!b[key].is_number()) return std::string("--");
            return number(b[key], 2) +
                   (ci.is_array() ? " [" + number(ci[0], 2) + ", " + number(ci[1], 2) + "]" : "");
        };
        t += "\n\\medskip\n\\begin{tabular}{lr}\n\\toprule\nBetween annotators & \\\\\n\\midrule\n"
             "Percent agreement & " +
             cell("percent_agreement") +
             " \\\\\n"
             "Fleiss' $\\kappa$ & " +
             cell("fleiss_kappa") +
             " \\\\\n"
             "Krippendorff's $\\alpha$ (nominal) & " +
             cell("alpha_nominal") +
             " \\\\\n"
             "Krippendorff's $\\alpha$ (interval) & " +
             cell("alpha_interval") +
             " \\\\\n"
             "\\bottomrule\n\\end{tabular}\n";
    }
    t += "\\caption{" + latexEscape(caption) + "}\n\\end{table}\n";
    return t;
}

} // namespace gpo
