#include "data/input_files.h"

#include "util/input_error.h"
#include "util/text.h"

#include <algorithm>
#include <filesystem>
#include <glob.h>

namespace fs = std::filesystem;

namespace gpo {
namespace {

/// Path order, except that runs of digits compare as numbers: "2.json" before "10.json".
bool naturalLess(const std::string& a, const std::string& b) {
    size_t i = 0, j = 0;
    while (i < a.size() && j < b.size()) {
        if (text::isDigit(a[i]) && text::isDigit(b[j])) {
            size_t ie = i, je = j;
            while (ie < a.size() && text::isDigit(a[ie]))
                ++ie;
            while (je < b.size() && text::isDigit(b[je]))
                ++je;
            const std::string_view na = std::string_view(a).substr(i, ie - i);
            const std::string_view nb = std::string_view(b).substr(j, je - j);
            if (na.size() != nb.size()) return na.size() < nb.size();
            if (na != nb) return na < nb;
            i = ie;
            j = je;
            continue;
        }
        if (a[i] != b[j]) return a[i] < b[j];
        ++i;
        ++j;
    }
    return a.size() - i < b.size() - j;
}

bool endsWithAny(const std::string& name, const std::vector<std::string>& endings) {
    return std::any_of(endings.begin(), endings.end(),
                       [&](const std::string& e) { return text::endsWith(text::toLower(name), e); });
}

std::string listed(const std::vector<std::string>& endings) {
    return text::join(endings, ", ");
}

} // namespace

std::vector<std::string> inputFiles(const std::string& path, const DatasetReader& reader) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
        if (reader.readsFolders()) return {path};
        std::vector<std::string> files;
        for (auto it = fs::recursive_directory_iterator(path, ec);
             !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
            if (it->is_regular_file(ec) &&
                endsWithAny(it->path().filename().string(), reader.fileExtensions()))
                files.push_back(it->path().string());
        }
        if (ec) throw InputError(path, 0, "cannot list the folder: " + ec.message());
        if (files.empty())
            throw InputError(path, 0,
                             "the folder holds no " + listed(reader.fileExtensions()) + " file (the '" +
                                 reader.name() + "' format reads those)");
        std::sort(files.begin(), files.end(), naturalLess);
        return files;
    }
    if (fs::exists(path, ec)) return {path};
    if (path.find_first_of("*?[") != std::string::npos) {
        glob_t g{};
        const int rc = ::glob(path.c_str(), 0, nullptr, &g);
        std::vector<std::string> files;
        std::vector<std::string> matches;
        if (rc == 0)
            for (size_t i = 0; i < g.gl_pathc; ++i)
                matches.emplace_back(g.gl_pathv[i]);
        globfree(&g);
        if (matches.empty()) throw InputError(path, 0, "no file matches this pattern");
        std::sort(matches.begin(), matches.end(), naturalLess);
        for (const auto& m : matches) // a matching folder stands for its files
            for (auto& f : inputFiles(m, reader))
                files.push_back(std::move(f));
        return files;
    }
    throw InputError(path, 0, "no such file or folder");
}

} // namespace gpo
