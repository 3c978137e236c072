#pragma once
// Content hashes that make imports idempotent (XXH3, 128 bits: collisions are out of reach).
#include <array>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

namespace gpo {

using Hash128 = std::array<uint8_t, 16>;

/// Hash of the parts, each followed by a separator byte so ("ab","c") and ("a","bc") differ.
Hash128 contentHash(std::initializer_list<std::string_view> parts);
/// The first `bytes` bytes of a hash in lower-case hex: a short, stable name (fingerprints, keys).
std::string hexPrefix(const Hash128& h, size_t bytes = 8);
/// The first 8 bytes of a hash as a number (big-endian): a seed drawn from content.
uint64_t first64(const Hash128& h);

} // namespace gpo
