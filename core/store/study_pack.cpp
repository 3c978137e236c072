#include "store/study_pack.h"

#include "store/analysis.h"
#include "store/annotations.h"
#include "util/input_error.h"

#include <filesystem>
#include <map>

namespace gpo {
namespace {

/// Detaches the source database however the export ends.
struct Attached {
    sql::Database& db;
    ~Attached() {
        try {
            db.exec("DETACH DATABASE src");
        } catch (const StoreError&) {
        }
    }
};

} // namespace

nlohmann::json PackExport::toJson() const {
    return {{"trajectories", trajectories}, {"annotations", annotations}, {"estimates", estimates}};
}

nlohmann::json PackMerge::toJson() const {
    return {{"study", study},
            {"added", added},
            {"updated", updated},
            {"unchanged", unchanged},
            {"annotators_added", annotatorsAdded}};
}

PackExport exportStudyPack(Project& project, const Study& study, const std::string& path,
                           const std::optional<std::string>& annotator) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (fs::exists(path, ec))
        throw StoreError(path + ": already exists (a pack is always written to a new file)");
    std::optional<int64_t> onlyAnnotator;
    if (annotator) onlyAnnotator = ensureAnnotator(project, *annotator);
    const std::string source = projectId(project);
    PackExport out;
    try {
        Project pack = Project::open(path, OpenMode::Create);
        auto& db = pack.db();
        db.prepare("ATTACH DATABASE ? AS src").bind(1, project.path()).run();
        Attached attached{db};
        sql::Transaction tx(db);
        auto copy = [&](const std::string& sqlText) {
            auto st = db.prepare(sqlText);
            st.bind(1, study.id);
            if (sqlText.find("?2") != std::string::npos) st.bind(2, onlyAnnotator);
            st.run();
            return static_cast<int64_t>(db.changes());
        };
        const std::string items = "(SELECT trajectory_id FROM src.study_items WHERE study_id = ?1)";
        copy("INSERT INTO datasets SELECT * FROM src.datasets WHERE id IN (SELECT p.dataset_id FROM "
             "src.problems p"
             " JOIN src.trajectories t ON t.problem_id = p.id WHERE t.id IN " +
             items + ")");
        copy("INSERT INTO problems SELECT * FROM src.problems WHERE id IN (SELECT problem_id FROM "
             "src.trajectories"
             " WHERE id IN " +
             items + ")");
        out.trajectories =
            copy("INSERT INTO trajectories SELECT * FROM src.trajectories WHERE id IN " + items);
        copy("INSERT INTO studies SELECT * FROM src.studies WHERE id = ?1");
        copy("INSERT INTO study_items SELECT * FROM src.study_items WHERE study_id = ?1");
        copy("INSERT INTO annotators SELECT * FROM src.annotators WHERE id IN (SELECT annotator_id FROM"
             " src.annotations WHERE study_id = ?1 AND (?2 IS NULL OR annotator_id = ?2)) OR id IS ?2");
        out.annotations = copy("INSERT INTO annotations SELECT * FROM src.annotations WHERE study_id = ?1"
                               " AND (?2 IS NULL OR annotator_id = ?2)");
        if (!study.config.blind) {
            // What the annotator may see after answering: the analyses of these trajectories (not their
            // rollouts).
            copy("INSERT INTO runs SELECT * FROM src.runs WHERE id IN (SELECT run_id FROM src.mc_estimates"
                 " WHERE trajectory_id IN " +
                 items +
                 " UNION SELECT run_id FROM src.critical_picks"
                 " WHERE trajectory_id IN " +
                 items + ")");
            out.estimates = copy(
                "INSERT INTO mc_estimates SELECT * FROM src.mc_estimates WHERE trajectory_id IN " + items);
            copy("INSERT INTO critical_picks SELECT * FROM src.critical_picks WHERE trajectory_id IN " +
                 items);
        }
        auto note = db.prepare("INSERT OR REPLACE INTO project_info(key, value) VALUES(?, ?)");
        for (const auto& [key, value] : {std::pair<const char*, std::string>{"pack_source_project", source},
                                         {"pack_study", study.name},
                                         {"pack_annotator", annotator.value_or("")}}) {
            note.reset();
            note.bind(1, key).bind(2, value).run();
        }
        tx.commit();
    } catch (...) {
        fs::remove(path, ec);
        fs::remove(path + "-wal", ec);
        fs::remove(path + "-shm", ec);
        throw;
    }
    return out;
}

std::optional<PackOrigin> packOrigin(Project& project) {
    PackOrigin o{project.info("pack_source_project"), project.info("pack_study"),
                 project.info("pack_annotator")};
    if (o.sourceProject.empty()) return std::nullopt;
    return o;
}

PackMerge mergeStudyPack(Project& project, const std::string& path) {
    Project pack = Project::open(path, OpenMode::ReadOnly);
    const auto origin = packOrigin(pack);
    if (!origin) throw InputError(path, 0, "not a study pack (export one with 'gpo study export')");
    if (origin->sourceProject != projectId(project))
        throw InputError(path, 0,
                         "this pack was exported from another project (" + origin->sourceProject + ")");
    const Study study = requireStudy(project, origin->study);
    const auto packStudy = findStudy(pack, origin->study);
    if (!packStudy) throw InputError(path, 0, "the pack has lost its study '" + origin->study + "'");

    // The pack's trajectories must still be the project's, word for word: all are checked before anything
    // (an annotator included) is written.
    const std::vector<Annotation> annotations = studyAnnotations(pack, packStudy->id);
    std::map<int64_t, std::string> packHashes;
    auto hashes = pack.db().prepare("SELECT id, content_hash FROM trajectories");
    while (hashes.step())
        packHashes[hashes.columnInt(0)] = hashes.columnBlob(1);
    auto home = project.db().prepare("SELECT content_hash FROM trajectories WHERE id = ?");
    for (const auto& a : annotations) {
        home.reset();
        home.bind(1, a.trajectoryId);
        if (!home.step() || home.columnBlob(0) != packHashes[a.trajectoryId])
            throw InputError(path, 0,
                             "trajectory " + std::to_string(a.trajectoryId) +
                                 " differs from the project's; nothing was merged");
    }

    std::map<int64_t, std::pair<std::string, std::string>> packAnnotators; // id -> (name, kind)
    auto names = pack.db().prepare("SELECT id, name, kind FROM annotators");
    while (names.step())
        packAnnotators[names.columnInt(0)] = {names.columnText(1), names.columnText(2)};
    PackMerge out;
    out.study = study.name;
    std::map<int64_t, int64_t> homeAnnotator; // pack's annotator id -> the project's
    auto homeIdOf = [&](int64_t packId) {
        if (const auto it = homeAnnotator.find(packId); it != homeAnnotator.end()) return it->second;
        const auto& [name, kind] = packAnnotators.at(packId);
        if (!findAnnotator(project, name)) ++out.annotatorsAdded;
        return homeAnnotator[packId] = ensureAnnotator(project, name, kind);
    };
    std::vector<Annotation> writes;
    for (Annotation a : annotations) {
        a.annotatorId = homeIdOf(a.annotatorId);
        a.studyId = study.id;
        const auto mine = loadAnnotation(project, a.annotatorId, a.trajectoryId, study.id);
        if (!mine || mine->updatedAt < a.updatedAt) {
            ++(mine ? out.updated : out.added);
            writes.push_back(std::move(a));
        } else {
            ++out.unchanged;
        }
    }
    saveAnnotations(project, writes, Stamp::Given);
    return out;
}

} // namespace gpo
