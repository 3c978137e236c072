#include "store/annotations.h"

#include <nlohmann/json.hpp>
#include <stdexcept>

namespace gpo {
namespace {

constexpr const char* kColumns =
    "annotator_id, trajectory_id, study_id, critical_step, no_single_step, skipped,"
    " step_labels, confidence, note, seconds, updated_at";

Annotation readAnnotation(const sql::Statement& st) {
    Annotation a;
    a.annotatorId = st.columnInt(0);
    a.trajectoryId = st.columnInt(1);
    a.studyId = st.columnOptInt(2);
    if (auto step = st.columnOptInt(3)) a.criticalStep = static_cast<int>(*step);
    a.noSingleStep = st.columnInt(4) != 0;
    a.skipped = st.columnInt(5) != 0;
    if (!st.columnIsNull(6)) a.stepLabels = stepLabelsFromJson(st.columnText(6));
    if (auto c = st.columnOptInt(7)) a.confidence = static_cast<int>(*c);
    a.note = st.columnText(8);
    a.seconds = st.columnDouble(9);
    a.updatedAt = st.columnText(10);
    return a;
}

void validate(Project& project, const Annotation& a) {
    auto st = project.db().prepare("SELECT n_steps FROM trajectories WHERE id = ?");
    st.bind(1, a.trajectoryId);
    if (!st.step()) throw std::invalid_argument("no trajectory " + std::to_string(a.trajectoryId));
    const int64_t steps = st.columnInt(0);
    if (a.criticalStep && (*a.criticalStep < 0 || *a.criticalStep >= steps))
        throw std::invalid_argument("critical step " + std::to_string(*a.criticalStep + 1) +
                                    " is outside trajectory " + std::to_string(a.trajectoryId) + " (" +
                                    std::to_string(steps) + " steps)");
    if (a.criticalStep && a.noSingleStep)
        throw std::invalid_argument("an annotation has either a critical step or 'no single critical step'");
    if (!a.stepLabels.empty() && static_cast<int64_t>(a.stepLabels.size()) != steps)
        throw std::invalid_argument("trajectory " + std::to_string(a.trajectoryId) + " has " +
                                    std::to_string(steps) + " steps, not " +
                                    std::to_string(a.stepLabels.size()) + " step labels");
    if (a.confidence && (*a.confidence < 1 || *a.confidence > 5))
        throw std::invalid_argument("confidence is 1 to 5, not " + std::to_string(*a.confidence));
    if (a.seconds < 0) throw std::invalid_argument("time spent cannot be negative");
}

} // namespace

int64_t ensureAnnotator(Project& project, const std::string& name, const std::string& kind) {
    if (name.empty() || name.size() > 200)
        throw std::invalid_argument("an annotator needs a name of 1 to 200 bytes");
    if (auto known = findAnnotator(project, name)) return known->id;
    auto st = project.db().prepare("INSERT INTO annotators(name, kind) VALUES(?, ?)");
    st.bind(1, name).bind(2, kind).run();
    return project.db().lastInsertId();
}

std::optional<AnnotatorInfo> findAnnotator(Project& project, const std::string& name) {
    auto st = project.db().prepare("SELECT a.id, a.name, a.kind, (SELECT count(*) FROM annotations n"
                                   " WHERE n.annotator_id = a.id) FROM annotators a WHERE a.name = ?");
    st.bind(1, name);
    if (!st.step()) return std::nullopt;
    return AnnotatorInfo{st.columnInt(0), st.columnText(1), st.columnText(2), st.columnInt(3)};
}

std::vector<AnnotatorInfo> listAnnotators(Project& project) {
    std::vector<AnnotatorInfo> out;
    auto st = project.db().prepare(
        "SELECT a.id, a.name, a.kind, count(n.id) FROM annotators a"
        " LEFT JOIN annotations n ON n.annotator_id = a.id GROUP BY a.id ORDER BY a.name");
    while (st.step())
        out.push_back({st.columnInt(0), st.columnText(1), st.columnText(2), st.columnInt(3)});
    return out;
}

void saveAnnotation(Project& project, const Annotation& annotation, Stamp stamp) {
    saveAnnotations(project, {&annotation, 1}, stamp);
}

void saveAnnotations(Project& project, std::span<const Annotation> annotations, Stamp stamp) {
    for (const auto& a : annotations)
        validate(project, a);
    auto& db = project.db();
    sql::Transaction tx(db);
    // The UNIQUE constraint cannot match a NULL study, so the row is found with IS.
    auto find = db.prepare("SELECT id FROM annotations WHERE annotator_id = ? AND trajectory_id = ?"
                           " AND study_id IS ?");
    const std::string when = stamp == Stamp::Now ? "strftime('%Y-%m-%dT%H:%M:%fZ','now')" : "?11";
    auto update = db.prepare(
        "UPDATE annotations SET critical_step = ?4, no_single_step = ?5, skipped = ?6, step_labels = ?7,"
        " confidence = ?8, note = ?9, seconds = ?10, updated_at = " +
        when + " WHERE id = ?12");
    auto insert = db.prepare("INSERT INTO annotations(" + std::string(kColumns) +
                             ") VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, " + when + ")");
    for (const auto& a : annotations) {
        find.reset();
        find.bind(1, a.annotatorId).bind(2, a.trajectoryId).bind(3, a.studyId);
        const bool known = find.step();
        const int64_t id = known ? find.columnInt(0) : 0;
        auto& write = known ? update : insert;
        write.reset();
        if (!known) write.bind(1, a.annotatorId).bind(2, a.trajectoryId).bind(3, a.studyId);
        write.bind(4, a.criticalStep).bind(5, a.noSingleStep ? 1 : 0).bind(6, a.skipped ? 1 : 0);
        if (a.stepLabels.empty())
            write.bindNull(7);
        else
            write.bind(7, stepLabelsToJson(a.stepLabels));
        write.bind(8, a.confidence).bind(9, a.note).bind(10, a.seconds);
        if (stamp == Stamp::Given) write.bind(11, a.updatedAt);
        if (known) write.bind(12, id);
        write.run();
    }
    tx.commit();
}

std::optional<Annotation> loadAnnotation(Project& project, int64_t annotatorId, int64_t trajectoryId,
                                         std::optional<int64_t> studyId) {
    auto st = project.db().prepare("SELECT " + std::string(kColumns) +
                                   " FROM annotations WHERE annotator_id = ? AND trajectory_id = ?"
                                   " AND study_id IS ?");
    st.bind(1, annotatorId).bind(2, trajectoryId).bind(3, studyId);
    if (!st.step()) return std::nullopt;
    return readAnnotation(st);
}

std::vector<Annotation> studyAnnotations(Project& project, std::optional<int64_t> studyId,
                                         std::optional<int64_t> annotatorId) {
    auto st =
        project.db().prepare("SELECT " + std::string(kColumns) +
                             " FROM annotations WHERE study_id IS ?1 AND (?2 IS NULL OR annotator_id = ?2)"
                             " ORDER BY annotator_id, trajectory_id");
    st.bind(1, studyId).bind(2, annotatorId);
    std::vector<Annotation> out;
    while (st.step())
        out.push_back(readAnnotation(st));
    return out;
}

std::string stepLabelsToJson(const std::vector<std::optional<StepRating>>& labels) {
    nlohmann::json j = nlohmann::json::array();
    for (const auto& l : labels)
        j.push_back(l ? nlohmann::json(static_cast<int>(*l)) : nlohmann::json());
    return j.dump();
}

std::vector<std::optional<StepRating>> stepLabelsFromJson(const std::string& text) {
    std::vector<std::optional<StepRating>> out;
    const auto j = nlohmann::json::parse(text, nullptr, false);
    if (!j.is_array()) return out;
    for (const auto& v : j) {
        if (v.is_number_integer() && v.get<int>() >= -1 && v.get<int>() <= 1)
            out.push_back(static_cast<StepRating>(v.get<int>()));
        else
            out.push_back(std::nullopt);
    }
    return out;
}

} // namespace gpo
