#include "data/readers/mmlupro_reader.h"

#include "data/json_source.h"
#include "data/parquet/parquet_file.h"
#include "data/readers/reader_util.h"
#include "util/text.h"

#include <fstream>
#include <nlohmann/json.hpp>

namespace gpo {
namespace {

struct MmluProRow {
    std::string id, question, answer, cot, category, src;
    std::vector<std::string> options;
};

void emit(const MmluProRow& row, int64_t line, const std::string& split, const ReadContext& ctx,
          const RecordSink& sink, ReadReport& report) {
    if (row.options.empty()) throw FieldError("field 'options' is empty");
    if (row.options.size() > 26) throw FieldError("more than 26 options");
    std::string letter = text::trimmed(row.answer);
    if (letter.size() != 1 || letter[0] < 'A' || static_cast<size_t>(letter[0] - 'A') >= row.options.size())
        throw FieldError("field 'answer' = '" + row.answer + "' is not one of the option letters");
    ReadRecord r;
    r.record.line = line;
    Problem& p = r.record.problem;
    p.question = readers::withChoices(row.question, row.options);
    p.answer = letter;
    p.subject = row.category;
    p.sourceId = row.id;
    p.split = split;
    std::string cot = text::trimmed(row.cot);
    if (text::startsWith(cot, "A: ")) cot = cot.substr(3);
    if (!cot.empty()) r.record.trajectories.push_back(readers::segmentedTrajectory(cot, ctx));
    sink(std::move(r));
    ++report.records;
}

std::string asText(const parquet::Value& v) {
    if (auto s = std::get_if<std::string>(&v)) return *s;
    if (auto i = std::get_if<int64_t>(&v)) return std::to_string(*i);
    if (auto d = std::get_if<double>(&v)) return std::to_string(*d);
    if (auto b = std::get_if<bool>(&v)) return *b ? "true" : "false";
    return {};
}

bool isParquet(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    char magic[4] = {};
    in.read(magic, 4);
    return in.gcount() == 4 && std::string(magic, 4) == "PAR1";
}

} // namespace

std::string MmluProReader::fewShotSplit(const std::string& path) const {
    return readers::fewShotSplitFromPath(path);
}

void MmluProReader::read(const std::string& path, const ReadContext& ctx, const RecordSink& sink,
                         ReadReport& report) const {
    const std::string split = readers::splitFromPath(path);
    if (!isParquet(path)) {
        forEachJsonRecord(path, ctx, report, [&](const nlohmann::json& j, int64_t line) {
            MmluProRow row;
            row.id = optionalString(j, "question_id", std::to_string(line));
            row.question = requireString(j, "question");
            row.options = requireStringList(j, "options");
            row.answer = requireString(j, "answer");
            row.cot = optionalString(j, "cot_content");
            row.category = optionalString(j, "category");
            row.src = optionalString(j, "src");
            emit(row, line, split, ctx, sink, report);
        });
        return;
    }
    const auto file = parquet::File::open(path);
    for (const char* required : {"question", "options", "answer"})
        if (!file.hasColumn(required))
            throw InputError(path, 0, std::string("Parquet file has no '") + required + "' column");
    auto column = [&](const char* name) {
        return file.hasColumn(name) ? file.readColumn(name) : parquet::Column{name, false, {}};
    };
    const auto ids = column("question_id"), questions = column("question"), options = column("options"),
               answers = column("answer"), cots = column("cot_content"), categories = column("category"),
               srcs = column("src");
    if (!options.isList) throw InputError(path, 0, "column 'options' is not a list");
    auto cell = [](const parquet::Column& c, size_t i) {
        return i < c.rows.size() && !c.rows[i].empty() ? asText(c.rows[i][0]) : std::string();
    };
    for (size_t i = 0; i < static_cast<size_t>(file.rowCount()); ++i) {
        // Parquet has no lines: a row's "line" is its 1-based row number.
        guardRecord(path, static_cast<int64_t>(i + 1), ctx, report, [&] {
            MmluProRow row;
            row.id = cell(ids, i);
            if (row.id.empty()) row.id = std::to_string(i);
            row.question = cell(questions, i);
            for (const auto& v : options.rows[i])
                row.options.push_back(asText(v));
            row.answer = cell(answers, i);
            row.cot = cell(cots, i);
            row.category = cell(categories, i);
            row.src = cell(srcs, i);
            emit(row, static_cast<int64_t>(i + 1), split, ctx, sink, report);
        });
    }
}

} // namespace gpo
