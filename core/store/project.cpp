#include "store/project.h"

#include "store/schema.h"
#include "util/input_error.h"

#include <filesystem>
#include <unistd.h>

namespace gpo {
namespace {

int pragmaInt(sql::Database& db, const char* pragma) {
    auto st = db.prepare(std::string("PRAGMA ") + pragma);
    return st.step() ? static_cast<int>(st.columnInt(0)) : 0;
}

bool hasTable(sql::Database& db, const char* name) {
    auto st = db.prepare("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?");
    st.bind(1, name);
    return st.step();
}

} // namespace

Project Project::open(const std::string& path, OpenMode mode) {
    namespace fs = std::filesystem;
    std::error_code ec;
    const bool exists = fs::exists(path, ec);
    if (!exists && mode != OpenMode::Create)
        throw StoreError(path + ": no such project (create one with 'gpo import' or the studio)");
    if (exists && fs::is_directory(path, ec)) throw StoreError(path + ": is a folder, not a project file");
    if (exists && mode != OpenMode::ReadOnly) {
        // SQLite would only say "readonly" at the first write; say it now. Never by opening the file: closing
        // any descriptor of it drops every POSIX lock this process holds on it, so another process would
        // think this one's connections gone and delete the WAL from under them (stale reads ever after).
        const std::string folder =
            fs::path(path).parent_path().empty() ? "." : fs::path(path).parent_path().string();
        if (::access(path.c_str(), W_OK) != 0 || ::access(folder.c_str(), W_OK) != 0)
            throw StoreError(path + ": the project file is not writable (read-only file or folder)");
    }
    if (!exists) {
        const auto parent = fs::path(path).parent_path();
        if (!parent.empty()) fs::create_directories(parent, ec);
    }
    sql::Database db(path, mode == OpenMode::ReadOnly, mode == OpenMode::Create);
    Project p(std::move(db), path, mode == OpenMode::ReadOnly);
    auto& d = p.db_;
    try {
        // Reading the header: fails here with SQLITE_NOTADB for a file that is not a database.
        const int appId = pragmaInt(d, "application_id");
        const int version = pragmaInt(d, "user_version");
        const bool empty =
            !hasTable(d, "sqlite_sequence") && version == 0 && appId == 0 && pragmaInt(d, "page_count") <= 1;
        // Only a file made just now becomes a project: opening never turns some other file into one.
        if (empty && exists)
            throw StoreError(path + ": not a GPO Studio project (" +
                             (fs::file_size(path, ec) == 0 ? "an empty file" : "an empty SQLite database") +
                             "); create a project with File → New Project or 'gpo import'");
        if (!empty && appId != schema::kApplicationId)
            throw StoreError(path + ": not a GPO Studio project (an SQLite database of another application)");
        if (version > static_cast<int>(schema::migrations().size()))
            throw StoreError(path + ": made by a newer GPO Studio (schema " + std::to_string(version) +
                             ", this one knows " + std::to_string(schema::migrations().size()) + ")");
        d.exec("PRAGMA foreign_keys = ON");
        if (!p.readOnly_) {
            d.exec("PRAGMA journal_mode = WAL");
            d.exec("PRAGMA synchronous = NORMAL");
            p.migrate();
        } else if (version < static_cast<int>(schema::migrations().size())) {
            throw StoreError(path + ": needs an upgrade; open it once without read-only");
        }
    } catch (const StoreError&) {
        throw;
    }
    return p;
}

void removeProjectFiles(const std::string& path) {
    std::error_code ec;
    for (const char* suffix : {"", "-wal", "-shm", "-journal"})
        std::filesystem::remove(path + suffix, ec);
}

int Project::schemaVersion() {
    return pragmaInt(db_, "user_version");
}

std::string Project::info(const std::string& key) {
    auto st = db_.prepare("SELECT value FROM project_info WHERE key = ?");
    st.bind(1, key);
    return st.step() ? st.columnText(0) : std::string();
}

void Project::migrate() {
    const auto& all = schema::migrations();
    int version = schemaVersion();
    while (version < static_cast<int>(all.size())) {
        sql::Transaction tx(db_);
        db_.exec(all[static_cast<size_t>(version)]);
        ++version;
        db_.exec("PRAGMA user_version = " + std::to_string(version));
        db_.exec("PRAGMA application_id = " + std::to_string(schema::kApplicationId));
        tx.commit();
    }
}

} // namespace gpo
