#include "data/json_source.h"

#include "util/text.h"

#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace gpo {
namespace {

std::string typeName(const nlohmann::json& j) {
    return j.type_name();
}

/// 1-based line of byte `offset` in `text`, and the column on it.
std::pair<int64_t, int64_t> lineAndColumn(std::string_view text, size_t offset) {
    offset = std::min(offset, text.size());
    int64_t line = 1;
    size_t lineStart = 0;
    for (size_t i = 0; i < offset; ++i) {
        if (text[i] == '\n') {
            ++line;
            lineStart = i + 1;
        }
    }
    return {line, static_cast<int64_t>(offset - lineStart) + 1};
}

/// nlohmann's message without its "[json.exception.parse_error.101] parse error at line 1, column 2: "
/// prefix.
std::string parseCause(const nlohmann::json::parse_error& e) {
    std::string msg = e.what();
    const size_t p = msg.find(": ");
    if (p != std::string::npos && msg.find("parse error") != std::string::npos) msg = msg.substr(p + 2);
    return "invalid JSON: " + msg;
}

/// The 1-based line where each element of a top-level JSON array starts.
std::vector<int64_t> arrayElementLines(std::string_view text) {
    std::vector<int64_t> lines;
    int depth = 0;
    int64_t line = 1;
    bool inString = false, expectValue = false;
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '\n') ++line;
        if (inString) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                inString = false;
            continue;
        }
        if (depth == 1 && expectValue && !text::isSpace(c) && c != ']') {
            lines.push_back(line);
            expectValue = false;
        }
        if (c == '"')
            inString = true;
        else if (c == '[' || c == '{') {
            ++depth;
            if (depth == 1) expectValue = true;
        } else if (c == ']' || c == '}')
            --depth;
        else if (c == ',' && depth == 1)
            expectValue = true;
    }
    return lines;
}

void checkUtf8(const std::string& path, std::string_view data, int64_t lineNo, size_t lineOffset) {
    const int64_t bad = text::invalidUtf8Offset(data);
    if (bad < 0) return;
    if (lineNo > 0)
        throw InputError(path, lineNo, "not valid UTF-8 (byte " + std::to_string(bad + 1) + " of the line)",
                         static_cast<int64_t>(lineOffset) + bad);
    auto [line, col] = lineAndColumn(data, static_cast<size_t>(bad));
    throw InputError(path, line, "not valid UTF-8 (column " + std::to_string(col) + ")", bad);
}

} // namespace

nlohmann::json readJsonDocument(const std::string& path) {
    const std::string data = readInputFile(path);
    try {
        return nlohmann::json::parse(data);
    } catch (const nlohmann::json::parse_error& e) {
        const size_t at = e.byte > 0 ? e.byte - 1 : 0;
        auto [line, col] = lineAndColumn(data, at);
        throw InputError(path, line, parseCause(e) + " (column " + std::to_string(col) + ")",
                         static_cast<int64_t>(at));
    }
}

std::string readInputFile(const std::string& path) {
    requireNotDirectory(path);
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError(path, 0, std::string("cannot open: ") + std::strerror(errno));
    std::ostringstream ss;
    ss << in.rdbuf();
    if (in.bad()) throw InputError(path, 0, "read error");
    std::string data = std::move(ss).str();
    if (text::trim(data).empty()) throw InputError(path, 0, "file is empty");
    if (const size_t nul = data.find('\0'); nul != std::string::npos) {
        auto [line, col] = lineAndColumn(data, nul);
        throw InputError(path, line,
                         "binary data (NUL byte at column " + std::to_string(col) + "); not a text file",
                         static_cast<int64_t>(nul));
    }
    return data;
}

void forEachJsonRecord(const std::string& path, const ReadContext& ctx, ReadReport& report,
                       const std::function<void(const nlohmann::json&, int64_t line)>& fn) {
    const std::string data = readInputFile(path);
    size_t first = 0;
    while (first < data.size() && text::isSpace(data[first]))
        ++first;

    auto parseWhole = [&]() {
        try {
            return nlohmann::json::parse(data);
        } catch (const nlohmann::json::parse_error& e) {
            checkUtf8(path, data, 0, 0);
            auto [line, col] = lineAndColumn(data, e.byte > 0 ? e.byte - 1 : 0);
            throw InputError(path, line, parseCause(e) + " (column " + std::to_string(col) + ")",
                             static_cast<int64_t>(e.byte > 0 ? e.byte - 1 : 0));
        }
    };

    if (data[first] == '[') { // a JSON array of records
        const nlohmann::json all = parseWhole();
        const auto lines = arrayElementLines(data);
        for (size_t i = 0; i < all.size(); ++i) {
            const int64_t line = i < lines.size() ? lines[i] : 0;
            guardRecord(path, line, ctx, report, [&] {
                if (!all[i].is_object())
                    throw FieldError("record is a JSON " + typeName(all[i]) + ", not an object");
                fn(all[i], line);
            });
        }
        return;
    }

    // JSON Lines; a file whose first line is not a whole record is one pretty-printed object.
    const size_t firstEnd = data.find('\n', first);
    const std::string_view firstLine(data.data() + first,
                                     (firstEnd == std::string::npos ? data.size() : firstEnd) - first);
    if (data[first] == '{' && !nlohmann::json::accept(firstLine)) {
        const nlohmann::json one = parseWhole();
        const int64_t line = lineAndColumn(data, first).first;
        guardRecord(path, line, ctx, report, [&] { fn(one, line); });
        return;
    }

    int64_t lineNo = 0;
    size_t pos = 0;
    while (pos < data.size()) {
        size_t end = data.find('\n', pos);
        if (end == std::string::npos) end = data.size();
        ++lineNo;
        std::string_view line(data.data() + pos, end - pos);
        const size_t lineOffset = pos;
        pos = end + 1;
        if (text::trim(line).empty()) continue;
        guardRecord(path, lineNo, ctx, report, [&] {
            if (line.size() > ctx.maxLineBytes)
                throw InputError(path, lineNo,
                                 "line is " + std::to_string(line.size()) +
                                     " bytes, longer than the limit of " + std::to_string(ctx.maxLineBytes),
                                 static_cast<int64_t>(lineOffset));
            nlohmann::json j;
            try {
                j = nlohmann::json::parse(line);
            } catch (const nlohmann::json::parse_error& e) {
                // nlohmann rejects ill-formed UTF-8 too; say exactly where when that was the cause.
                checkUtf8(path, line, lineNo, lineOffset);
                throw InputError(path, lineNo, parseCause(e) + " (column " + std::to_string(e.byte) + ")",
                                 static_cast<int64_t>(lineOffset + (e.byte > 0 ? e.byte - 1 : 0)));
            }
            if (!j.is_object()) throw FieldError("record is a JSON " + typeName(j) + ", not an object");
            fn(j, lineNo);
        });
    }
}

const nlohmann::json& requireField(const nlohmann::json& j, const char* name) {
    auto it = j.find(name);
    if (it == j.end()) throw FieldError(std::string("missing field '") + name + "'");
    return *it;
}

std::string requireString(const nlohmann::json& j, const char* name) {
    const auto& v = requireField(j, name);
    if (!v.is_string())
        throw FieldError(std::string("field '") + name + "' must be a string, not " + typeName(v));
    return v.get<std::string>();
}

std::string optionalString(const nlohmann::json& j, const char* name, const std::string& fallback) {
    auto it = j.find(name);
    if (it == j.end() || it->is_null()) return fallback;
    if (it->is_string()) return it->get<std::string>();
    if (it->is_number()) return it->dump();
    throw FieldError(std::string("field '") + name + "' must be a string, not " + typeName(*it));
}

std::string requireScalarText(const nlohmann::json& j, const char* name) {
    const auto& v = requireField(j, name);
    if (v.is_string()) return v.get<std::string>();
    if (v.is_number()) return v.dump();
    throw FieldError(std::string("field '") + name + "' must be a string or a number, not " + typeName(v));
}

std::vector<std::string> requireStringList(const nlohmann::json& j, const char* name) {
    const auto& v = requireField(j, name);
    if (!v.is_array())
        throw FieldError(std::string("field '") + name + "' must be a list of strings, not " + typeName(v));
    std::vector<std::string> out;
    out.reserve(v.size());
    for (size_t i = 0; i < v.size(); ++i) {
        if (!v[i].is_string())
            throw FieldError(std::string("field '") + name + "' item " + std::to_string(i) +
                             " must be a string, not " + typeName(v[i]));
        out.push_back(v[i].get<std::string>());
    }
    return out;
}

int requireStepIndex(const nlohmann::json& value, const char* name, size_t steps) {
    if (!value.is_number_integer()) throw FieldError(std::string("field '") + name + "' must be an integer");
    const auto index = value.get<int64_t>();
    if (index < -1 || index >= static_cast<int64_t>(steps))
        throw FieldError(std::string("field '") + name + "' = " + std::to_string(index) + " is outside -1.." +
                         std::to_string(static_cast<int64_t>(steps) - 1));
    return static_cast<int>(index);
}

} // namespace gpo
