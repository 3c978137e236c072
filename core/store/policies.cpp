#include "store/policies.h"

#include <filesystem>

namespace gpo {
namespace {

constexpr const char* kColumns = "SELECT id, name, path, is_default FROM policies";

PolicyEntry entryAt(const sql::Statement& st) {
    return {st.columnInt(0), st.columnText(1), st.columnText(2), st.columnInt(3) != 0};
}

std::optional<PolicyEntry> first(Project& project, const std::string& where, const std::string& arg) {
    auto st = project.db().prepare(std::string(kColumns) + " WHERE " + where);
    if (!arg.empty()) st.bind(1, arg);
    if (!st.step()) return std::nullopt;
    return entryAt(st);
}

} // namespace

PolicyEntry registerPolicy(Project& project, const std::string& name, const std::string& path,
                           bool makeDefault) {
    if (name.empty()) throw std::invalid_argument("a policy needs a name");
    const std::string absolute = std::filesystem::absolute(path).lexically_normal().string();
    auto& db = project.db();
    sql::Transaction tx(db);
    const bool noDefault = !defaultPolicy(project);
    auto upsert = db.prepare("INSERT INTO policies(name, path) VALUES(?, ?)"
                             " ON CONFLICT(name) DO UPDATE SET path = excluded.path");
    upsert.bind(1, name).bind(2, absolute).run();
    if (makeDefault || noDefault) {
        auto clear = db.prepare("UPDATE policies SET is_default = (name = ?)");
        clear.bind(1, name).run();
    }
    tx.commit();
    return *findPolicy(project, name);
}

std::vector<PolicyEntry> listPolicies(Project& project) {
    auto st = project.db().prepare(std::string(kColumns) + " ORDER BY id");
    std::vector<PolicyEntry> out;
    while (st.step())
        out.push_back(entryAt(st));
    return out;
}

std::optional<PolicyEntry> findPolicy(Project& project, const std::string& name) {
    return first(project, "name = ?", name);
}

std::optional<PolicyEntry> defaultPolicy(Project& project) {
    return first(project, "is_default = 1 LIMIT 1", {});
}

} // namespace gpo
