#pragma once
// Small string helpers shared by readers, segmenters and verifiers.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace gpo::text {

std::string_view trim(std::string_view s);
std::string trimmed(std::string_view s);
bool startsWith(std::string_view s, std::string_view prefix);
bool endsWith(std::string_view s, std::string_view suffix);
std::string toLower(std::string_view s);
/// Replaces every occurrence of `from` with `to`.
std::string replaceAll(std::string s, std::string_view from, std::string_view to);
/// Collapses runs of whitespace to one space and trims the ends.
std::string collapseWhitespace(std::string_view s);
/// Offset of the first byte that is not valid UTF-8, or -1 when all of `s` is valid.
int64_t invalidUtf8Offset(std::string_view s);
std::vector<std::string> split(std::string_view s, char sep);
/// Index of the '}' closing the '{' at `open`, or npos when it is not closed.
size_t matchingBrace(std::string_view s, size_t open);
bool isSpace(char c);
bool isDigit(char c);
bool isAlpha(char c);
/// Joins with a separator.
std::string join(const std::vector<std::string>& parts, std::string_view sep);
/// "1 record", "2 records": a count with its noun; `plural` defaults to the noun with an s.
std::string counted(int64_t n, std::string_view noun, std::string_view plural = {});

} // namespace gpo::text
