#include "store/sqlite.h"

#include "util/input_error.h"

#include <mutex>
#include <sqlite3.h>

namespace gpo::sql {

Database::Database(const std::string& path, bool readOnly, bool create) : path_(path) {
    // Memory statistics take a global mutex on every allocation; nothing here reads them.
    static std::once_flag configured;
    std::call_once(configured, [] { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
    const int flags =
        (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0)) |
        SQLITE_OPEN_NOMUTEX;
    const int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
    if (rc != SQLITE_OK) {
        std::string msg = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
        sqlite3_close(db_);
        db_ = nullptr;
        throw StoreError(path + ": cannot open project: " + msg);
    }
    sqlite3_extended_result_codes(db_, 1);
    // Another process (a second studio, an analysis job) may hold the write lock for a moment.
    sqlite3_busy_timeout(db_, 5000);
}

Database::~Database() {
    sqlite3_close_v2(db_);
}

Database::Database(Database&& o) noexcept : db_(o.db_), path_(std::move(o.path_)) {
    o.db_ = nullptr;
}

Database& Database::operator=(Database&& o) noexcept {
    if (this != &o) {
        sqlite3_close_v2(db_);
        db_ = o.db_;
        path_ = std::move(o.path_);
        o.db_ = nullptr;
    }
    return *this;
}

void Database::fail(std::string_view what, int rc) const {
    std::string msg =
        path_ + ": " + std::string(what) + ": " + (db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc));
    const int primary = rc & 0xFF;
    if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED)
        msg += " (another process is writing to this project; try again when it is done)";
    else if (primary == SQLITE_READONLY)
        msg += " (the project file or its folder is read-only)";
    else if (primary == SQLITE_NOTADB)
        msg = path_ + ": not a GPO Studio project (the file is not an SQLite database)";
    else if (primary == SQLITE_CORRUPT)
        msg += " (the project file is damaged)";
    else if (primary == SQLITE_FULL)
        msg += " (the disk is full)";
    throw StoreError(msg);
}

void Database::exec(std::string_view sqlText) {
    char* err = nullptr;
    const std::string s(sqlText);
    const int rc = sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err);
    if (rc != SQLITE_OK) {
        sqlite3_free(err);
        fail("SQL failed", rc);
    }
}

Statement Database::prepare(std::string_view sqlText) {
    return Statement(*this, sqlText);
}
int64_t Database::lastInsertId() const {
    return sqlite3_last_insert_rowid(db_);
}
int64_t Database::totalChanges() const {
    return sqlite3_total_changes64(db_);
}

int Database::changes() const {
    return sqlite3_changes(db_);
}

Statement::Statement(Database& db, std::string_view sqlText) : db_(&db) {
    const int rc = sqlite3_prepare_v3(db.handle(), sqlText.data(), static_cast<int>(sqlText.size()),
                                      SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr);
    if (rc != SQLITE_OK) db.fail("cannot prepare statement", rc);
}

Statement::~Statement() {
    sqlite3_finalize(stmt_);
}

Statement::Statement(Statement&& o) noexcept : db_(o.db_), stmt_(o.stmt_) {
    o.stmt_ = nullptr;
}

Statement& Statement::bind(int i, int64_t v) {
    if (int rc = sqlite3_bind_int64(stmt_, i, v); rc != SQLITE_OK) db_->fail("bind", rc);
    return *this;
}
Statement& Statement::bind(int i, double v) {
    if (int rc = sqlite3_bind_double(stmt_, i, v); rc != SQLITE_OK) db_->fail("bind", rc);
    return *this;
}
Statement& Statement::bind(int i, std::string_view v) {
    // SQLITE_TRANSIENT: the caller's buffer may not outlive the statement.
    if (int rc = sqlite3_bind_text64(stmt_, i, v.data(), v.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
        rc != SQLITE_OK)
        db_->fail("bind", rc);
    return *this;
}
Statement& Statement::bindBlob(int i, std::span<const uint8_t> v) {
    if (int rc = sqlite3_bind_blob64(stmt_, i, v.data(), v.size(), SQLITE_TRANSIENT); rc != SQLITE_OK)
        db_->fail("bind", rc);
    return *this;
}
Statement& Statement::bindNull(int i) {
    if (int rc = sqlite3_bind_null(stmt_, i); rc != SQLITE_OK) db_->fail("bind", rc);
    return *this;
}

bool Statement::step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    sqlite3_reset(stmt_);
    db_->fail("query failed", rc);
}

void Statement::run() {
    while (step()) {
    }
    reset();
}

void Statement::reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
}

int64_t Statement::columnInt(int i) const {
    return sqlite3_column_int64(stmt_, i);
}
double Statement::columnDouble(int i) const {
    return sqlite3_column_double(stmt_, i);
}
std::string Statement::columnText(int i) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, i));
    return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, i))) : std::string();
}
std::string Statement::columnBlob(int i) const {
    const auto* p = static_cast<const char*>(sqlite3_column_blob(stmt_, i));
    return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, i))) : std::string();
}
bool Statement::columnIsNull(int i) const {
    return sqlite3_column_type(stmt_, i) == SQLITE_NULL;
}
std::optional<int64_t> Statement::columnOptInt(int i) const {
    if (columnIsNull(i)) return std::nullopt;
    return columnInt(i);
}

Transaction::Transaction(Database& db) : db_(db) {
    db_.exec("BEGIN IMMEDIATE");
}

Transaction::~Transaction() {
    if (!done_) sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

void Transaction::commit() {
    db_.exec("COMMIT");
    done_ = true;
}

} // namespace gpo::sql
