#pragma once
// Reading JSON records from a file: JSON Lines, a top-level array, or one (pretty-printed) object.
#include "data/reader.h"

#include <nlohmann/json_fwd.hpp>
#include <string>

namespace gpo {

/// Reads a whole file, failing clearly on a missing, unreadable, empty or binary file.
std::string readInputFile(const std::string& path);

/// Parses a whole file as one JSON document (a config, a tokenizer.json); errors name line and column.
nlohmann::json readJsonDocument(const std::string& path);

/// Calls `fn(record, line)` for every JSON record in `path`; parse errors name file, line and column.
/// A record whose `fn` throws FieldError is skipped or fails per ctx.
void forEachJsonRecord(const std::string& path, const ReadContext& ctx, ReadReport& report,
                       const std::function<void(const nlohmann::json&, int64_t line)>& fn);

/// Field access with errors that say which field and why.
const nlohmann::json& requireField(const nlohmann::json& j, const char* name);
std::string requireString(const nlohmann::json& j, const char* name);
std::string optionalString(const nlohmann::json& j, const char* name, const std::string& fallback = {});
/// A string or a number, as text (AIME answers come both ways).
std::string requireScalarText(const nlohmann::json& j, const char* name);
std::vector<std::string> requireStringList(const nlohmann::json& j, const char* name);
/// An earliest-wrong-step index: an integer in -1 .. steps-1 (-1: no wrong step).
int requireStepIndex(const nlohmann::json& value, const char* name, size_t steps);

} // namespace gpo
