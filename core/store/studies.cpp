#include "store/studies.h"

#include "util/hash.h"

#include <algorithm>
#include <cstring>
#include <set>
#include <stdexcept>

namespace gpo {
namespace {

/// SplitMix64: a small generator whose output is the same on every platform (std::shuffle's is not).
struct SplitMix64 {
    uint64_t state;
    uint64_t next() {
        uint64_t z = (state += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    /// In [0, n); the modulo bias (n / 2^64) is far below anything a study could notice.
    uint64_t below(uint64_t n) { return next() % n; }
};

uint64_t seedFor(uint64_t studySeed, const std::string& annotator) {
    const Hash128 h = contentHash({"study-order", std::to_string(studySeed), annotator});
    uint64_t s;
    std::memcpy(&s, h.data(), sizeof s);
    return s;
}

Study readStudy(const sql::Statement& st) {
    Study s;
    s.id = st.columnInt(0);
    s.name = st.columnText(1);
    s.config = StudyConfig::fromJson(nlohmann::json::parse(st.columnText(2), nullptr, false));
    s.items = st.columnInt(3);
    s.createdAt = st.columnText(4);
    return s;
}

constexpr const char* kStudySelect = "SELECT s.id, s.name, s.config, (SELECT count(*) FROM study_items i "
                                     "WHERE i.study_id = s.id), s.created_at"
                                     " FROM studies s";

} // namespace

nlohmann::json StudyConfig::toJson() const {
    return {{"protocol", protocol},        {"annotators", annotators},
            {"overlap", overlap},          {"seed", seed},
            {"shuffle", shuffle},          {"blind", blind},
            {"step_labels", stepLabels},   {"confidence", confidence},
            {"instructions", instructions}};
}

StudyConfig StudyConfig::fromJson(const nlohmann::json& j) {
    if (!j.is_object()) throw std::invalid_argument("a study's configuration must be a JSON object");
    StudyConfig c;
    auto field = [&](const char* key, auto& into) {
        if (!j.contains(key) || j[key].is_null()) return;
        try {
            j[key].get_to(into);
        } catch (const nlohmann::json::exception&) {
            throw std::invalid_argument(std::string("study configuration: '") + key + "' has the wrong type");
        }
    };
    field("protocol", c.protocol);
    field("annotators", c.annotators);
    field("overlap", c.overlap);
    field("seed", c.seed);
    field("shuffle", c.shuffle);
    field("blind", c.blind);
    field("step_labels", c.stepLabels);
    field("confidence", c.confidence);
    field("instructions", c.instructions);
    if (c.overlap < 0) throw std::invalid_argument("study configuration: 'overlap' cannot be negative");
    return c;
}

std::vector<std::string> studyTemplateNames() {
    return {"paper", "critical-step"};
}

StudyConfig studyTemplate(const std::string& name) {
    StudyConfig c;
    c.protocol = name;
    if (name == "paper") {
        c.stepLabels = false;
        c.confidence = false;
        c.instructions =
            "Each solution below is split into numbered steps. Pick the one step that matters most "
            "for whether the solution reaches the right answer.";
    } else if (name == "critical-step") {
        c.stepLabels = true;
        c.confidence = true;
        c.instructions = "Pick the most critical step (or say there is no single one), rate the steps good, "
                         "neutral or bad where you can, and say how sure you are.";
    } else {
        throw std::invalid_argument("unknown study template '" + name + "' (known: paper, critical-step)");
    }
    return c;
}

int64_t createStudy(Project& project, const std::string& name, const StudyConfig& config,
                    const std::vector<int64_t>& trajectories) {
    if (name.empty()) throw std::invalid_argument("a study needs a name");
    if (findStudy(project, name))
        throw std::invalid_argument("there is already a study named '" + name + "'");
    const std::set<std::string> planned(config.annotators.begin(), config.annotators.end());
    if (planned.size() != config.annotators.size())
        throw std::invalid_argument("study '" + name + "': an annotator is named twice");
    if (config.overlap > 0 && !config.annotators.empty() &&
        config.overlap > static_cast<int>(config.annotators.size()))
        throw std::invalid_argument("study '" + name + "': an overlap of " + std::to_string(config.overlap) +
                                    " needs at least that many planned annotators");
    std::vector<int64_t> items;
    std::set<int64_t> seen;
    for (int64_t id : trajectories)
        if (seen.insert(id).second) items.push_back(id);
    if (items.empty()) throw std::invalid_argument("study '" + name + "': no trajectories");
    auto& db = project.db();
    sql::Transaction tx(db);
    db.prepare("INSERT INTO studies(name, config) VALUES(?, ?)")
        .bind(1, name)
        .bind(2, config.toJson().dump())
        .run();
    const int64_t studyId = db.lastInsertId();
    auto exists = db.prepare("SELECT 1 FROM trajectories WHERE id = ?");
    auto add = db.prepare("INSERT INTO study_items(study_id, trajectory_id, position) VALUES(?, ?, ?)");
    for (size_t i = 0; i < items.size(); ++i) {
        exists.reset();
        exists.bind(1, items[i]);
        if (!exists.step())
            throw std::invalid_argument("study '" + name + "': no trajectory " + std::to_string(items[i]));
        add.reset();
        add.bind(1, studyId).bind(2, items[i]).bind(3, static_cast<int64_t>(i)).run();
    }
    tx.commit();
    return studyId;
}

std::vector<Study> listStudies(Project& project) {
    std::vector<Study> out;
    auto st = project.db().prepare(std::string(kStudySelect) + " ORDER BY s.name");
    while (st.step())
        out.push_back(readStudy(st));
    return out;
}

std::optional<Study> findStudy(Project& project, const std::string& name) {
    auto st = project.db().prepare(std::string(kStudySelect) + " WHERE s.name = ?");
    st.bind(1, name);
    if (!st.step()) return std::nullopt;
    return readStudy(st);
}

Study requireStudy(Project& project, const std::string& name) {
    if (auto s = findStudy(project, name)) return *s;
    std::string known;
    for (const auto& s : listStudies(project))
        known += (known.empty() ? "" : ", ") + s.name;
    throw std::invalid_argument(
        "no study named '" + name + "'" +
        (known.empty() ? std::string(" (the project has none)") : " (known: " + known + ")"));
}

std::vector<int64_t> studyItems(Project& project, int64_t studyId) {
    std::vector<int64_t> out;
    auto st =
        project.db().prepare("SELECT trajectory_id FROM study_items WHERE study_id = ? ORDER BY position");
    st.bind(1, studyId);
    while (st.step())
        out.push_back(st.columnInt(0));
    return out;
}

std::vector<int64_t> annotatorQueue(const Study& study, const std::vector<int64_t>& items,
                                    const std::string& annotator) {
    const auto& planned = study.config.annotators;
    const auto slot = std::find(planned.begin(), planned.end(), annotator);
    std::vector<int64_t> queue;
    const int n = static_cast<int>(planned.size());
    const int overlap = study.config.overlap;
    if (slot == planned.end() || overlap <= 0 || overlap >= n) {
        queue = items;
    } else {
        // Trajectory i goes to annotators i*overlap … i*overlap+overlap-1 (mod n): each gets an equal share.
        const int me = static_cast<int>(slot - planned.begin());
        for (size_t i = 0; i < items.size(); ++i) {
            const int first = static_cast<int>((static_cast<int64_t>(i) * overlap) % n);
            const int offset = (me - first + n) % n;
            if (offset < overlap) queue.push_back(items[i]);
        }
    }
    if (study.config.shuffle) {
        SplitMix64 rng{seedFor(study.config.seed, annotator)};
        for (size_t i = queue.size(); i > 1; --i)
            std::swap(queue[i - 1], queue[rng.below(i)]);
    }
    return queue;
}

std::vector<int64_t> seededSample(const std::vector<int64_t>& ids, size_t n, uint64_t seed) {
    if (ids.size() <= n) return ids;
    std::vector<size_t> order(ids.size());
    for (size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    SplitMix64 rng{seedFor(seed, "sample")};
    for (size_t i = 0; i < n; ++i)
        std::swap(order[i], order[i + rng.below(order.size() - i)]);
    order.resize(n);
    std::sort(order.begin(), order.end());
    std::vector<int64_t> out;
    for (size_t i : order)
        out.push_back(ids[i]);
    return out;
}

StudyProgress studyProgress(Project& project, const Study& study, const std::string& annotator,
                            std::optional<int64_t> assigned) {
    StudyProgress p;
    p.assigned =
        assigned
            ? *assigned
            : static_cast<int64_t>(annotatorQueue(study, studyItems(project, study.id), annotator).size());
    auto st = project.db().prepare(
        "SELECT coalesce(sum(critical_step IS NOT NULL OR no_single_step = 1), 0),"
        " coalesce(sum(skipped = 1 AND critical_step IS NULL AND no_single_step = 0), 0), "
        "coalesce(sum(seconds), 0)"
        " FROM annotations n JOIN annotators a ON a.id = n.annotator_id WHERE n.study_id = ? AND a.name = ?");
    st.bind(1, study.id).bind(2, annotator);
    if (st.step()) {
        p.answered = st.columnInt(0);
        p.skipped = st.columnInt(1);
        p.seconds = st.columnDouble(2);
    }
    return p;
}

} // namespace gpo
