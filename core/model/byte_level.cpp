#include "model/byte_level.h"

#include <array>
#include <cstdint>

namespace gpo::model {
namespace {

/// Code point of each byte: printable Latin-1 bytes map to themselves, the other 68 to 256, 257, ...
struct ByteTables {
    std::array<uint16_t, 256> codepoint{};
    std::array<int16_t, 512> byteOf{}; // code point -> byte, -1 when not in the alphabet
    ByteTables() {
        byteOf.fill(-1);
        uint16_t next = 256;
        for (int b = 0; b < 256; ++b) {
            const bool printable = (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
            codepoint[static_cast<size_t>(b)] = printable ? static_cast<uint16_t>(b) : next++;
            byteOf[codepoint[static_cast<size_t>(b)]] = static_cast<int16_t>(b);
        }
    }
};

const ByteTables& tables() {
    static const ByteTables t;
    return t;
}

} // namespace

std::string bytesToByteLevel(std::string_view bytes) {
    const auto& t = tables();
    std::string out;
    out.reserve(bytes.size() * 2);
    for (unsigned char b : bytes) {
        const uint16_t cp = t.codepoint[b];
        if (cp < 0x80) {
            out.push_back(static_cast<char>(cp));
        } else { // all code points are below 0x800: two UTF-8 bytes
            out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
            out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
        }
    }
    return out;
}

bool byteLevelToBytes(std::string_view text, std::string& out) {
    const auto& t = tables();
    out.clear();
    out.reserve(text.size());
    for (size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        uint32_t cp;
        if (c < 0x80) {
            cp = c;
            i += 1;
        } else if ((c & 0xE0) == 0xC0 && i + 1 < text.size()) {
            cp = ((c & 0x1Fu) << 6) | (static_cast<unsigned char>(text[i + 1]) & 0x3Fu);
            i += 2;
        } else {
            return false;
        }
        if (cp >= t.byteOf.size() || t.byteOf[cp] < 0) return false;
        out.push_back(static_cast<char>(t.byteOf[cp]));
    }
    return true;
}

} // namespace gpo::model
