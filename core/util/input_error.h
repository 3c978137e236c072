#pragma once
// The one error type for bad outside data: it always names the file, where in it, and what was wrong.
#include <cstdint>
#include <stdexcept>
#include <string>

namespace gpo {

class InputError : public std::runtime_error {
public:
    /// line is 1-based (0 when unknown); offset is a byte offset into the file (-1 when unknown).
    InputError(std::string file, int64_t line, std::string cause, int64_t offset = -1);

    const std::string& file() const { return file_; }
    int64_t line() const { return line_; }
    int64_t offset() const { return offset_; }
    const std::string& cause() const { return cause_; }

private:
    std::string file_;
    int64_t line_;
    int64_t offset_;
    std::string cause_;
};

/// Throws InputError "is a directory, not a file" for a folder given where a file is read (a folder opens
/// as an empty stream on Linux, which would otherwise read as "file is empty").
void requireNotDirectory(const std::string& path);

/// Errors of the project database or of a use of it (not of outside data).
class StoreError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

} // namespace gpo
