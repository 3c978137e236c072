#include "util/resource_paths.h"

#include <cstdlib>
#include <filesystem>
#include <vector>

namespace gpo {
namespace fs = std::filesystem;

std::string executableDir() {
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    return ec ? fs::current_path().string() : exe.parent_path().string();
}

std::optional<std::string> findSharedResource(const std::string& name) {
    std::vector<fs::path> roots;
    if (const char* env = std::getenv("GPO_SHARE_DIR"); env && *env) roots.emplace_back(env);
    roots.push_back(fs::path(executableDir()) / ".." / "share" / "gpo");
    for (const fs::path& root : roots) {
        std::error_code ec;
        const fs::path candidate = (root / name).lexically_normal();
        if (fs::exists(candidate, ec)) return fs::absolute(candidate).string();
    }
    return std::nullopt;
}

} // namespace gpo
