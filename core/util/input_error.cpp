#include "util/input_error.h"

#include <filesystem>

namespace gpo {
namespace {
std::string describe(const std::string& file, int64_t line, const std::string& cause, int64_t offset) {
    std::string where = file.empty() ? std::string("<input>") : file;
    if (line > 0) where += ":" + std::to_string(line);
    if (offset >= 0)
        where += (line > 0 ? " (byte " : ": byte ") + std::to_string(offset) + (line > 0 ? ")" : "");
    return where + ": " + cause;
}
} // namespace

InputError::InputError(std::string file, int64_t line, std::string cause, int64_t offset)
    : std::runtime_error(describe(file, line, cause, offset)), file_(std::move(file)), line_(line),
      offset_(offset), cause_(std::move(cause)) {}

void requireNotDirectory(const std::string& path) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) throw InputError(path, 0, "is a directory, not a file");
}

} // namespace gpo
