#include "data/readers/mmlu_reader.h"

#include "data/csv.h"
#include "data/json_source.h"
#include "data/readers/reader_util.h"
#include "util/text.h"

#include <filesystem>

namespace gpo {

std::string MmluReader::fewShotSplit(const std::string& path) const {
    return readers::fewShotSplitFromPath(path);
}

void MmluReader::read(const std::string& path, const ReadContext& ctx, const RecordSink& sink,
                      ReadReport& report) const {
    const std::string data = readInputFile(path);
    if (const int64_t bad = text::invalidUtf8Offset(data); bad >= 0)
        throw InputError(path, 1 + std::count(data.begin(), data.begin() + bad, '\n'), "not valid UTF-8",
                         bad);
    std::string subject = readers::fileStem(path);
    std::string split = readers::splitFromPath(path);
    for (const char* suffix : {"_test", "_val", "_dev", "_train"})
        if (text::endsWith(subject, suffix)) subject.resize(subject.size() - std::string(suffix).size());
    csv::forEachRow(data, path, [&](const csv::Row& row) {
        guardRecord(path, row.line, ctx, report, [&] {
            if (row.fields.size() != 6)
                throw FieldError("expected 6 columns (question, A, B, C, D, answer), found " +
                                 std::to_string(row.fields.size()));
            const std::string letter = text::trimmed(row.fields[5]);
            if (letter.size() != 1 || letter[0] < 'A' || letter[0] > 'D')
                throw FieldError("answer column must be A, B, C or D, not '" + letter + "'");
            ReadRecord r;
            r.record.line = row.line;
            Problem& p = r.record.problem;
            p.question = readers::withChoices(row.fields[0],
                                              {row.fields[1], row.fields[2], row.fields[3], row.fields[4]});
            p.answer = letter;
            p.subject = subject;
            p.split = split;
            p.sourceId = readers::fileStem(path) + ":" + std::to_string(row.line);
            sink(std::move(r));
            ++report.records;
        });
    });
}

} // namespace gpo
