#include "template/py_string.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

namespace gpo::tmpl::py {

std::u32string decode(std::string_view s) {
    std::u32string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size();) {
        const auto b = static_cast<unsigned char>(s[i]);
        int n = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 0;
        if (n == 0 || i + n > s.size()) {
            out.push_back(0xFFFD);
            ++i;
            continue;
        }
        char32_t c = n == 1 ? b : b & (0x7F >> n);
        bool ok = true;
        for (int k = 1; k < n; ++k) {
            const auto cb = static_cast<unsigned char>(s[i + k]);
            if ((cb & 0xC0) != 0x80) ok = false;
            c = (c << 6) | (cb & 0x3F);
        }
        if (!ok) {
            out.push_back(0xFFFD);
            ++i;
            continue;
        }
        out.push_back(c);
        i += n;
    }
    return out;
}

void appendUtf8(std::string& out, char32_t c) {
    if (c < 0x80) {
        out.push_back(static_cast<char>(c));
    } else if (c < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (c >> 6)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else if (c < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (c >> 12)));
        out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (c >> 18)));
        out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
}

std::string encode(std::u32string_view s) {
    std::string out;
    out.reserve(s.size());
    for (char32_t c : s)
        appendUtf8(out, c);
    return out;
}

int64_t length(std::string_view s) {
    int64_t n = 0;
    for (char c : s)
        if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
    return n;
}

bool isWhitespace(char32_t c) {
    switch (c) {
    case ' ':
    case '\t':
    case '\n':
    case '\v':
    case '\f':
    case '\r':
    case 0x1C:
    case 0x1D:
    case 0x1E:
    case 0x1F:
    case 0x85:
    case 0xA0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000:
        return true;
    default:
        return c >= 0x2000 && c <= 0x200A;
    }
}

std::string strip(std::string_view s, const std::optional<std::string>& chars, bool left, bool right) {
    const std::u32string text = decode(s);
    const std::u32string set = chars ? decode(*chars) : std::u32string();
    auto strippable = [&](char32_t c) {
        return chars ? set.find(c) != std::u32string::npos : isWhitespace(c);
    };
    size_t begin = 0, end = text.size();
    if (left)
        while (begin < end && strippable(text[begin]))
            ++begin;
    if (right)
        while (end > begin && strippable(text[end - 1]))
            --end;
    return encode(std::u32string_view(text).substr(begin, end - begin));
}

std::vector<std::string> split(std::string_view s, const std::optional<std::string>& sep, int64_t maxsplit) {
    std::vector<std::string> out;
    if (sep) {
        if (sep->empty()) throw std::invalid_argument("empty separator");
        size_t at = 0;
        while (maxsplit < 0 || static_cast<int64_t>(out.size()) < maxsplit) {
            const size_t next = s.find(*sep, at);
            if (next == std::string_view::npos) break;
            out.emplace_back(s.substr(at, next - at));
            at = next + sep->size();
        }
        out.emplace_back(s.substr(at));
        return out;
    }
    const std::u32string text = decode(s);
    size_t i = 0;
    while (i < text.size()) {
        while (i < text.size() && isWhitespace(text[i]))
            ++i;
        if (i == text.size()) break;
        if (maxsplit >= 0 && static_cast<int64_t>(out.size()) == maxsplit) {
            size_t end = text.size();
            while (end > i && isWhitespace(text[end - 1]))
                --end;
            out.push_back(encode(std::u32string_view(text).substr(i, end - i)));
            break;
        }
        size_t j = i;
        while (j < text.size() && !isWhitespace(text[j]))
            ++j;
        out.push_back(encode(std::u32string_view(text).substr(i, j - i)));
        i = j;
    }
    return out;
}

std::vector<std::string> rsplit(std::string_view s, const std::optional<std::string>& sep, int64_t maxsplit) {
    if (maxsplit < 0) return split(s, sep, maxsplit);
    std::vector<std::string> out;
    if (sep) {
        if (sep->empty()) throw std::invalid_argument("empty separator");
        size_t end = s.size();
        while (static_cast<int64_t>(out.size()) < maxsplit) {
            if (end < sep->size()) break;
            const size_t at = s.rfind(*sep, end - sep->size());
            if (at == std::string_view::npos) break;
            out.emplace_back(s.substr(at + sep->size(), end - at - sep->size()));
            end = at;
        }
        out.emplace_back(s.substr(0, end));
        std::reverse(out.begin(), out.end());
        return out;
    }
    const std::u32string text = decode(s);
    size_t end = text.size();
    while (end > 0) {
        while (end > 0 && isWhitespace(text[end - 1]))
            --end;
        if (end == 0) break;
        if (static_cast<int64_t>(out.size()) == maxsplit) {
            size_t begin = 0;
            while (begin < end && isWhitespace(text[begin]))
                ++begin;
            out.push_back(encode(std::u32string_view(text).substr(begin, end - begin)));
            break;
        }
        size_t begin = end;
        while (begin > 0 && !isWhitespace(text[begin - 1]))
            --begin;
        out.push_back(encode(std::u32string_view(text).substr(begin, end - begin)));
        end = begin;
    }
    std::reverse(out.begin(), out.end());
    return out;
}

std::vector<std::string> splitlines(std::string_view s) {
    std::vector<std::string> out;
    size_t at = 0;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '\n' && s[i] != '\r') continue;
        out.emplace_back(s.substr(at, i - at));
        if (s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n') ++i;
        at = i + 1;
    }
    if (at < s.size()) out.emplace_back(s.substr(at));
    return out;
}

std::string replace(std::string_view s, std::string_view from, std::string_view to, int64_t count) {
    std::string out;
    if (from.empty()) { // Python inserts `to` around every code point
        const std::u32string text = decode(s);
        int64_t done = 0;
        for (char32_t c : text) {
            if (count < 0 || done < count) {
                out += to;
                ++done;
            }
            appendUtf8(out, c);
        }
        if (count < 0 || done < count) out += to;
        return out;
    }
    size_t at = 0;
    int64_t done = 0;
    while (count < 0 || done < count) {
        const size_t next = s.find(from, at);
        if (next == std::string_view::npos) break;
        out.append(s.substr(at, next - at));
        out.append(to);
        at = next + from.size();
        ++done;
    }
    out.append(s.substr(at));
    return out;
}

std::string upper(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    return out;
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

std::string capitalize(std::string_view s) {
    if (s.empty()) return {};
    return upper(s.substr(0, 1)) + lower(s.substr(1));
}

std::string title(std::string_view s) {
    std::string out(s);
    bool inWord = false;
    for (char& c : out) {
        const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        if (letter) c = inWord ? lower(std::string(1, c))[0] : upper(std::string(1, c))[0];
        inWord = letter;
    }
    return out;
}

namespace {

void appendHex(std::string& out, const char* prefix, unsigned value, int digits) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%s%0*x", prefix, digits, value);
    out += buf;
}

bool printable(char32_t c) {
    // Python's str.isprintable() for what chat templates meet: controls and separators are not.
    if (c < 0x20 || c == 0x7F || (c >= 0x80 && c < 0xA0)) return false;
    if (c == 0xAD || c == 0x2028 || c == 0x2029 || (c >= 0x200B && c <= 0x200F) || c == 0xFEFF) return false;
    return !(isWhitespace(c) && c != ' ');
}

} // namespace

std::string repr(std::string_view s) {
    const bool hasSingle = s.find('\'') != std::string_view::npos;
    const bool hasDouble = s.find('"') != std::string_view::npos;
    const char quote = hasSingle && !hasDouble ? '"' : '\'';
    std::string out(1, quote);
    for (char32_t c : decode(s)) {
        if (c == static_cast<char32_t>(quote) || c == '\\') {
            out.push_back('\\');
            out.push_back(static_cast<char>(c));
        } else if (c == '\n') {
            out += "\\n";
        } else if (c == '\r') {
            out += "\\r";
        } else if (c == '\t') {
            out += "\\t";
        } else if (!printable(c)) {
            if (c < 0x100)
                appendHex(out, "\\x", c, 2);
            else if (c < 0x10000)
                appendHex(out, "\\u", c, 4);
            else
                appendHex(out, "\\U", c, 8);
        } else {
            appendUtf8(out, c);
        }
    }
    out.push_back(quote);
    return out;
}

std::string jsonQuote(std::string_view s, bool ensureAscii) {
    std::string out = "\"";
    for (char32_t c : decode(s)) {
        switch (c) {
        case '"':
            out += "\\\"";
            continue;
        case '\\':
            out += "\\\\";
            continue;
        case '\n':
            out += "\\n";
            continue;
        case '\r':
            out += "\\r";
            continue;
        case '\t':
            out += "\\t";
            continue;
        case '\b':
            out += "\\b";
            continue;
        case '\f':
            out += "\\f";
            continue;
        default:
            break;
        }
        if (c < 0x20 || (ensureAscii && c > 0x7E)) {
            if (c >= 0x10000) {
                const char32_t v = c - 0x10000;
                appendHex(out, "\\u", 0xD800 + (v >> 10), 4);
                appendHex(out, "\\u", 0xDC00 + (v & 0x3FF), 4);
            } else {
                appendHex(out, "\\u", c, 4);
            }
        } else {
            appendUtf8(out, c);
        }
    }
    out += "\"";
    return out;
}

std::string floatRepr(double v) {
    if (std::isnan(v)) return "nan";
    if (std::isinf(v)) return v < 0 ? "-inf" : "inf";
    if (v == 0) return std::signbit(v) ? "-0.0" : "0.0";
    char buf[64];
    const auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
    const std::string sci(buf, res.ptr);
    // sci is [-]d[.ddd]e[+-]XX: the shortest digits that round-trip and their exponent.
    const bool negative = sci[0] == '-';
    const size_t e = sci.find('e');
    std::string digits;
    for (size_t i = negative ? 1 : 0; i < e; ++i)
        if (sci[i] != '.') digits.push_back(sci[i]);
    const int exponent = std::stoi(sci.substr(e + 1));
    const int decpt = exponent + 1; // digits' decimal point position
    std::string out = negative ? "-" : "";
    if (decpt <= -4 || decpt > 16) {
        out += digits.substr(0, 1);
        if (digits.size() > 1) out += "." + digits.substr(1);
        char ebuf[16];
        std::snprintf(ebuf, sizeof ebuf, "e%c%02d", exponent < 0 ? '-' : '+', std::abs(exponent));
        return out + ebuf;
    }
    if (decpt <= 0) return out + "0." + std::string(static_cast<size_t>(-decpt), '0') + digits;
    if (static_cast<size_t>(decpt) >= digits.size())
        return out + digits + std::string(static_cast<size_t>(decpt) - digits.size(), '0') + ".0";
    return out + digits.substr(0, static_cast<size_t>(decpt)) + "." +
           digits.substr(static_cast<size_t>(decpt));
}

std::vector<int64_t> sliceIndices(int64_t length, std::optional<int64_t> start, std::optional<int64_t> stop,
                                  int64_t step) {
    auto clamp = [&](std::optional<int64_t> v, int64_t fallback, int64_t lo, int64_t hi) {
        if (!v) return fallback;
        int64_t x = *v < 0 ? *v + length : *v;
        return std::clamp(x, lo, hi);
    };
    std::vector<int64_t> out;
    if (step > 0) {
        const int64_t from = clamp(start, 0, 0, length), to = clamp(stop, length, 0, length);
        for (int64_t i = from; i < to; i += step)
            out.push_back(i);
    } else {
        const int64_t from = clamp(start, length - 1, -1, length - 1), to = clamp(stop, -1, -1, length - 1);
        for (int64_t i = from; i > to; i += step)
            out.push_back(i);
    }
    return out;
}

std::string slice(std::string_view s, std::optional<int64_t> start, std::optional<int64_t> stop,
                  int64_t step) {
    const std::u32string text = decode(s);
    std::u32string out;
    for (int64_t i : sliceIndices(static_cast<int64_t>(text.size()), start, stop, step))
        out.push_back(text[static_cast<size_t>(i)]);
    return encode(out);
}

} // namespace gpo::tmpl::py
