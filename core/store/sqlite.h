#pragma once
// A thin RAII layer over the SQLite C API: a connection, prepared statements, transactions.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace gpo::sql {

class Statement;

class Database {
public:
    Database() = default;
    /// Opens `path`; readOnly opens without write access; create makes the file when missing.
    Database(const std::string& path, bool readOnly, bool create);
    ~Database();
    Database(Database&& o) noexcept;
    Database& operator=(Database&& o) noexcept;
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    void exec(std::string_view sql);
    Statement prepare(std::string_view sql);
    int64_t lastInsertId() const;
    int changes() const;
    /// Rows changed by this connection since it opened.
    int64_t totalChanges() const;
    sqlite3* handle() const { return db_; }
    const std::string& path() const { return path_; }
    /// Throws StoreError with the connection's message, prefixed by `what`.
    [[noreturn]] void fail(std::string_view what, int rc) const;

private:
    sqlite3* db_ = nullptr;
    std::string path_;
};

class Statement {
public:
    Statement(Database& db, std::string_view sql);
    ~Statement();
    Statement(Statement&& o) noexcept;
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    Statement& bind(int index, int64_t v);
    Statement& bind(int index, int v) { return bind(index, static_cast<int64_t>(v)); }
    Statement& bind(int index, double v);
    Statement& bind(int index, std::string_view v); ///< copied by SQLite only when needed (see step)
    Statement& bind(int index, const char* v) { return bind(index, std::string_view(v)); }
    Statement& bind(int index, const std::string& v) { return bind(index, std::string_view(v)); }
    Statement& bindBlob(int index, std::span<const uint8_t> v);
    Statement& bindNull(int index);
    template <class T> Statement& bind(int index, const std::optional<T>& v) {
        return v ? bind(index, *v) : bindNull(index);
    }
    /// True when a row is ready; false when done.
    bool step();
    /// Runs a statement that returns no rows.
    void run();
    void reset();

    int64_t columnInt(int i) const;
    double columnDouble(int i) const;
    std::string columnText(int i) const;
    std::string columnBlob(int i) const;
    bool columnIsNull(int i) const;
    std::optional<int64_t> columnOptInt(int i) const;

private:
    Database* db_;
    sqlite3_stmt* stmt_ = nullptr;
};

/// BEGIN IMMEDIATE … COMMIT; rolls back when destroyed without commit().
class Transaction {
public:
    explicit Transaction(Database& db);
    ~Transaction();
    void commit();

private:
    Database& db_;
    bool done_ = false;
};

} // namespace gpo::sql
