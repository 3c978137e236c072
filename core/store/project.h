#pragma once
// A project: one SQLite file holding datasets, trajectories, analyses, annotations and runs.
#include "store/sqlite.h"

#include <string>

namespace gpo {

enum class OpenMode {
    Existing, ///< the file must exist and be a project
    Create,   ///< created (with its folder) when missing; an existing file must be a project
    ReadOnly  ///< existing, no writes
};

class Project {
public:
    /// Opens (or creates) a project and brings its schema up to date. Throws StoreError naming the path
    /// and the cause: missing, not a database, not a project, from a newer version, locked, read-only.
    static Project open(const std::string& path, OpenMode mode = OpenMode::Existing);

    sql::Database& db() { return db_; }
    const std::string& path() const { return path_; }
    int schemaVersion();
    /// A value of the project_info table (e.g. "project_id"); empty when it has none.
    std::string info(const std::string& key);
    bool readOnly() const { return readOnly_; }

private:
    Project(sql::Database db, std::string path, bool readOnly)
        : db_(std::move(db)), path_(std::move(path)), readOnly_(readOnly) {}
    void migrate();

    sql::Database db_;
    std::string path_;
    bool readOnly_;
};

/// Deletes a project file with its WAL and shared-memory files (a project that was never filled).
void removeProjectFiles(const std::string& path);

} // namespace gpo
