#include "data/csv.h"

#include "util/input_error.h"

namespace gpo::csv {

void forEachRow(std::string_view data, const std::string& file, const std::function<void(const Row&)>& fn) {
    Row row;
    std::string field;
    int64_t line = 1;
    row.line = 1;
    bool rowHasContent = false;
    size_t i = 0;
    auto endField = [&] {
        row.fields.push_back(std::move(field));
        field.clear();
    };
    auto endRow = [&] {
        endField();
        if (rowHasContent || row.fields.size() > 1 || !row.fields.front().empty()) fn(row);
        row.fields.clear();
        rowHasContent = false;
    };
    while (i < data.size()) {
        const char c = data[i];
        if (c == '"' && field.empty()) {
            const int64_t quoteLine = line;
            ++i;
            rowHasContent = true;
            bool closed = false;
            while (i < data.size()) {
                if (data[i] == '"') {
                    if (i + 1 < data.size() && data[i + 1] == '"') {
                        field.push_back('"');
                        i += 2;
                        continue;
                    }
                    ++i;
                    closed = true;
                    break;
                }
                if (data[i] == '\n') ++line;
                field.push_back(data[i++]);
            }
            if (!closed) throw InputError(file, quoteLine, "unterminated quoted field");
            if (i < data.size() && data[i] != ',' && data[i] != '\n' && data[i] != '\r')
                throw InputError(file, line, "unexpected text after a closing quote",
                                 static_cast<int64_t>(i));
            continue;
        }
        if (c == ',') {
            endField();
            rowHasContent = true;
            ++i;
        } else if (c == '\r' && i + 1 < data.size() && data[i + 1] == '\n') {
            ++i;
        } else if (c == '\n') {
            endRow();
            ++line;
            row.line = line;
            ++i;
        } else {
            field.push_back(c);
            rowHasContent = true;
            ++i;
        }
    }
    if (rowHasContent || !field.empty()) endRow();
}

std::string field(std::string_view s) {
    if (s.find_first_of(",\"\n\r") == std::string_view::npos) return std::string(s);
    std::string out = "\"";
    for (char c : s) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

} // namespace gpo::csv
