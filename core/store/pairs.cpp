#include "store/pairs.h"

#include "data/json_source.h"
#include "util/hash.h"
#include "util/input_error.h"

#include <span>

namespace gpo {
namespace {

Hash128 pairHash(const PreferencePair& p) {
    return contentHash({p.prompt, p.chosen ? "+" + *p.chosen : std::string("-"),
                        p.rejected ? "+" + *p.rejected : std::string("-")});
}

nlohmann::json provenance(const PreferencePair& p) {
    nlohmann::json j = nlohmann::json::object();
    if (p.trajectoryId) j["trajectory_id"] = *p.trajectoryId;
    if (p.problemId) j["problem_id"] = *p.problemId;
    if (p.stepIdx) j["critical_step"] = *p.stepIdx + 1; // 1-based, as people read steps
    if (!p.selector.empty()) j["selector"] = p.selector;
    if (p.analysisRunId) j["analysis_run"] = *p.analysisRunId;
    return j;
}

std::string requireText(const nlohmann::json& j, const char* key) {
    const auto it = j.find(key);
    if (it == j.end()) throw FieldError(std::string("missing key '") + key + "'");
    if (!it->is_string()) throw FieldError(std::string("'") + key + "' must be a string");
    return it->get<std::string>();
}

} // namespace

int64_t storePairSet(Project& project, const std::string& name, const std::string& kind,
                     const nlohmann::json& config, const std::vector<PreferencePair>& pairs,
                     const nlohmann::json& report, int64_t tokensSampled) {
    if (name.empty()) throw std::invalid_argument("a pair set needs a name");
    sql::Transaction tx(project.db());
    auto exists = project.db().prepare("SELECT 1 FROM pair_sets WHERE name = ?");
    exists.bind(1, name);
    if (exists.step())
        throw std::invalid_argument("the project already has a pair set named '" + name +
                                    "' (choose another name, or list them with gpo pairs ls)");
    auto set = project.db().prepare(
        "INSERT INTO pair_sets(name, kind, config, report, tokens_sampled) VALUES(?, ?, ?, ?, ?)");
    set.bind(1, name)
        .bind(2, kind)
        .bind(3, config.dump())
        .bind(4, report.dump())
        .bind(5, tokensSampled)
        .run();
    const int64_t setId = project.db().lastInsertId();
    auto st = project.db().prepare(
        "INSERT OR IGNORE INTO pairs(set_id, prompt, chosen, rejected, problem_id, trajectory_id, step_idx,"
        " selector, analysis_run_id, content_hash) VALUES(?,?,?,?,?,?,?,?,?,?)");
    int64_t added = 0;
    for (const auto& p : pairs) {
        if (!p.chosen && !p.rejected) throw std::invalid_argument("a pair needs a chosen or a rejected side");
        const Hash128 h = pairHash(p);
        st.bind(1, setId).bind(2, p.prompt).bind(3, p.chosen).bind(4, p.rejected).bind(5, p.problemId);
        st.bind(6, p.trajectoryId).bind(7, p.stepIdx).bind(8, p.selector).bind(9, p.analysisRunId);
        st.bindBlob(10, std::span<const uint8_t>(h.data(), h.size()));
        st.run();
        added += project.db().changes();
        st.reset();
    }
    tx.commit();
    return added;
}

std::vector<PairSet> listPairSets(Project& project) {
    auto st = project.db().prepare(
        "SELECT s.id, s.name, s.kind, s.config, s.report, s.tokens_sampled, s.created_at,"
        " (SELECT count(*) FROM pairs p WHERE p.set_id = s.id AND p.chosen IS NOT NULL AND p.rejected IS NOT "
        "NULL),"
        " (SELECT count(*) FROM pairs p WHERE p.set_id = s.id AND (p.chosen IS NULL OR p.rejected IS NULL))"
        " FROM pair_sets s ORDER BY s.id");
    std::vector<PairSet> out;
    while (st.step()) {
        PairSet s;
        s.id = st.columnInt(0);
        s.name = st.columnText(1);
        s.kind = st.columnText(2);
        s.config = nlohmann::json::parse(st.columnText(3), nullptr, false);
        s.report = nlohmann::json::parse(st.columnText(4), nullptr, false);
        s.tokensSampled = st.columnInt(5);
        s.createdAt = st.columnText(6);
        s.pairs = st.columnInt(7);
        s.unpaired = st.columnInt(8);
        out.push_back(std::move(s));
    }
    return out;
}

PairSet requirePairSet(Project& project, const std::string& name) {
    std::string names;
    for (auto& s : listPairSets(project)) {
        if (s.name == name) return s;
        names += (names.empty() ? "" : ", ") + s.name;
    }
    throw std::invalid_argument("no pair set named '" + name + "' (" +
                                (names.empty() ? "the project has none yet" : "there are: " + names) + ")");
}

std::vector<PreferencePair> loadPairs(Project& project, int64_t setId) {
    auto st = project.db().prepare(
        "SELECT prompt, chosen, rejected, problem_id, trajectory_id, step_idx,"
        " coalesce(selector, ''), analysis_run_id FROM pairs WHERE set_id = ? ORDER BY id");
    st.bind(1, setId);
    std::vector<PreferencePair> out;
    while (st.step()) {
        PreferencePair p;
        p.prompt = st.columnText(0);
        if (!st.columnIsNull(1)) p.chosen = st.columnText(1);
        if (!st.columnIsNull(2)) p.rejected = st.columnText(2);
        if (!st.columnIsNull(3)) p.problemId = st.columnInt(3);
        if (!st.columnIsNull(4)) p.trajectoryId = st.columnInt(4);
        if (!st.columnIsNull(5)) p.stepIdx = static_cast<int>(st.columnInt(5));
        p.selector = st.columnText(6);
        if (!st.columnIsNull(7)) p.analysisRunId = st.columnInt(7);
        out.push_back(std::move(p));
    }
    return out;
}

PairFormat pairFormat(const std::string& name) {
    if (name == "preference" || name == "dpo") return PairFormat::Preference;
    if (name == "kto" || name == "unpaired") return PairFormat::Unpaired;
    throw std::invalid_argument("unknown pair format '" + name + "' (preference, kto)");
}

int64_t writePairsJsonl(const std::vector<PreferencePair>& pairs, PairFormat format, std::ostream& out) {
    int64_t rows = 0;
    auto line = [&](nlohmann::json j, const PreferencePair& p) {
        if (const auto from = provenance(p); !from.empty()) j["gpo"] = from;
        out << j.dump() << '\n';
        ++rows;
    };
    for (const auto& p : pairs) {
        if (format == PairFormat::Preference) {
            if (p.paired()) line({{"prompt", p.prompt}, {"chosen", *p.chosen}, {"rejected", *p.rejected}}, p);
            continue;
        }
        if (p.chosen) line({{"prompt", p.prompt}, {"completion", *p.chosen}, {"label", true}}, p);
        if (p.rejected) line({{"prompt", p.prompt}, {"completion", *p.rejected}, {"label", false}}, p);
    }
    return rows;
}

std::vector<PreferencePair> readPairsJsonl(const std::string& path) {
    std::vector<PreferencePair> out;
    ReadContext ctx;
    ReadReport report;
    forEachJsonRecord(path, ctx, report, [&](const nlohmann::json& j, int64_t line) {
        guardRecord(path, line, ctx, report, [&] {
            if (!j.is_object()) throw FieldError("a line must be a JSON object");
            PreferencePair p;
            p.prompt = requireText(j, "prompt");
            if (j.contains("completion") || j.contains("label")) {
                const std::string completion = requireText(j, "completion");
                const auto label = j.find("label");
                if (label == j.end()) throw FieldError("missing key 'label' (KTO's unpaired form)");
                if (!label->is_boolean()) throw FieldError("'label' must be true or false");
                (label->get<bool>() ? p.chosen : p.rejected) = completion;
            } else {
                p.chosen = requireText(j, "chosen");
                p.rejected = requireText(j, "rejected");
            }
            out.push_back(std::move(p));
        });
    });
    if (out.empty())
        throw InputError(path, 0,
                         "no pairs found (TRL's preference or KTO JSONL: prompt + chosen + rejected, "
                         "or prompt + completion + label)");
    return out;
}

} // namespace gpo
