#pragma once
// Python's str semantics on UTF-8 text, as chat templates see them through jinja2: lengths and
// indices count code points, whitespace is Unicode whitespace, repr() quotes as Python does.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gpo::tmpl::py {

/// The code points of `s` (invalid bytes become U+FFFD).
std::u32string decode(std::string_view s);
std::string encode(std::u32string_view s);
void appendUtf8(std::string& out, char32_t c);
int64_t length(std::string_view s);
bool isWhitespace(char32_t c);

/// str.strip / lstrip / rstrip: without `chars`, Unicode whitespace.
std::string strip(std::string_view s, const std::optional<std::string>& chars, bool left, bool right);
/// str.split(sep, maxsplit): without `sep`, runs of whitespace, dropping empty pieces.
std::vector<std::string> split(std::string_view s, const std::optional<std::string>& sep, int64_t maxsplit);
std::vector<std::string> rsplit(std::string_view s, const std::optional<std::string>& sep, int64_t maxsplit);
std::vector<std::string> splitlines(std::string_view s);
/// str.replace(old, new, count); count < 0 replaces all.
std::string replace(std::string_view s, std::string_view from, std::string_view to, int64_t count);
std::string upper(std::string_view s);
std::string lower(std::string_view s);
std::string capitalize(std::string_view s);
/// Python's str.title(): each run of letters starts upper case, the rest lower.
std::string title(std::string_view s);
/// Python's repr() of a str.
std::string repr(std::string_view s);
/// A JSON string literal as json.dumps writes it.
std::string jsonQuote(std::string_view s, bool ensureAscii);
/// Python's repr() of a float: shortest round trip, "1.0", "1e-05", "1e+20", "nan", "inf".
std::string floatRepr(double v);
/// s[start:stop:step] over code points; absent bounds as in Python.
std::string slice(std::string_view s, std::optional<int64_t> start, std::optional<int64_t> stop,
                  int64_t step);
/// The indices seq[start:stop:step] picks from a sequence of `length` items (step != 0).
std::vector<int64_t> sliceIndices(int64_t length, std::optional<int64_t> start, std::optional<int64_t> stop,
                                  int64_t step);

} // namespace gpo::tmpl::py
