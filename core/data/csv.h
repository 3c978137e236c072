#pragma once
// RFC 4180 CSV: quoted fields may hold commas, quotes ("") and newlines.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace gpo::csv {

struct Row {
    std::vector<std::string> fields;
    int64_t line = 0; ///< 1-based line where the row starts
};

/// Parses `data` (the contents of `file`, for messages); calls `fn` for each row. Throws InputError on
/// an unterminated quote or text after a closing quote.
void forEachRow(std::string_view data, const std::string& file, const std::function<void(const Row&)>& fn);

/// One field as written: quoted (with doubled quotes) only when it holds a comma, quote or line break.
std::string field(std::string_view s);

} // namespace gpo::csv
