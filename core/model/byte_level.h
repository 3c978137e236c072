#pragma once
// GPT-2's byte-level alphabet: every byte maps to one printable Unicode character, so BPE vocabularies can
// hold arbitrary bytes as ordinary strings ("Ġ" is the space byte).
#include <string>
#include <string_view>

namespace gpo::model {

/// The byte-level spelling of raw bytes (each byte becomes one 1–2 byte UTF-8 character).
std::string bytesToByteLevel(std::string_view bytes);

/// The raw bytes behind a byte-level spelling. Returns false when `text` holds a character outside the
/// byte-level alphabet (then `out` is unspecified).
bool byteLevelToBytes(std::string_view text, std::string& out);

} // namespace gpo::model
