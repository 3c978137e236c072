#include "data/readers/math_reader.h"

#include "data/answer_extraction.h"
#include "data/json_source.h"
#include "data/readers/reader_util.h"

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

namespace fs = std::filesystem;

namespace gpo {
namespace {

std::string levelText(const nlohmann::json& j) {
    auto it = j.find("level");
    if (it == j.end() || it->is_null()) return {};
    if (it->is_number_integer()) return "Level " + it->dump();
    if (it->is_string()) return it->get<std::string>();
    throw FieldError("field 'level' must be a string or an integer");
}

/// Natural order: "2.json" before "10.json".
bool naturalLess(const fs::path& a, const fs::path& b) {
    if (a.parent_path() != b.parent_path()) return a.parent_path() < b.parent_path();
    const std::string sa = a.stem().string(), sb = b.stem().string();
    const bool na = !sa.empty() && std::all_of(sa.begin(), sa.end(), ::isdigit);
    const bool nb = !sb.empty() && std::all_of(sb.begin(), sb.end(), ::isdigit);
    if (na && nb && sa.size() != sb.size()) return sa.size() < sb.size();
    return sa < sb;
}

} // namespace

void MathReader::read(const std::string& path, const ReadContext& ctx, const RecordSink& sink,
                      ReadReport& report) const {
    std::vector<fs::path> files;
    fs::path root(path);
    std::error_code ec;
    if (fs::is_directory(root, ec)) {
        for (auto it = fs::recursive_directory_iterator(root, ec);
             !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
            if (it->is_regular_file() && it->path().extension() == ".json") files.push_back(it->path());
        }
        if (ec) throw InputError(path, 0, "cannot list folder: " + ec.message());
        if (files.empty()) throw InputError(path, 0, "folder holds no .json files");
        std::sort(files.begin(), files.end(), naturalLess);
    } else {
        files.push_back(root);
        root = root.parent_path().parent_path().parent_path(); // <root>/<split>/<subject>/<n>.json
    }
    for (const auto& file : files) {
        const std::string rel = fs::relative(file, root, ec).generic_string();
        forEachJsonRecord(file.string(), ctx, report, [&](const nlohmann::json& j, int64_t line) {
            ReadRecord r;
            r.record.line = line;
            Problem& p = r.record.problem;
            p.question = requireString(j, "problem");
            const std::string solution = requireString(j, "solution");
            auto boxed = extract::lastBoxedRun(solution);
            if (!boxed) throw FieldError("field 'solution' has no \\boxed{} answer");
            p.answer = *boxed;
            p.level = levelText(j);
            p.subject = optionalString(j, "type");
            p.sourceId = ec ? file.filename().string() : rel;
            p.split = readers::splitFromPath(p.sourceId);
            r.record.trajectories.push_back(readers::segmentedTrajectory(solution, ctx));
            sink(std::move(r));
            ++report.records;
        });
    }
}

void Math500Reader::read(const std::string& path, const ReadContext& ctx, const RecordSink& sink,
                         ReadReport& report) const {
    forEachJsonRecord(path, ctx, report, [&](const nlohmann::json& j, int64_t line) {
        ReadRecord r;
        r.record.line = line;
        Problem& p = r.record.problem;
        p.question = requireString(j, "problem");
        p.answer = requireScalarText(j, "answer");
        p.subject = optionalString(j, "subject");
        p.level = levelText(j);
        p.sourceId = optionalString(j, "unique_id", readers::fileStem(path) + ":" + std::to_string(line));
        p.split = readers::splitFromPath(p.sourceId);
        if (p.split.empty()) p.split = "test";
        if (auto it = j.find("solution"); it != j.end() && it->is_string() && !it->get<std::string>().empty())
            r.record.trajectories.push_back(readers::segmentedTrajectory(it->get<std::string>(), ctx));
        sink(std::move(r));
        ++report.records;
    });
}

} // namespace gpo
