#include "util/hash.h"

#include <algorithm>
#include <cstring>
#define XXH_STATIC_LINKING_ONLY // a stack-allocated state: no allocation per hash
#include <xxhash.h>

namespace gpo {

Hash128 contentHash(std::initializer_list<std::string_view> parts) {
    XXH3_state_t stateStorage;
    XXH3_state_t* state = &stateStorage;
    XXH3_INITSTATE(state);
    XXH3_128bits_reset(state);
    const char sep = '\x1f';
    for (std::string_view p : parts) {
        XXH3_128bits_update(state, p.data(), p.size());
        XXH3_128bits_update(state, &sep, 1);
    }
    const XXH128_hash_t h = XXH3_128bits_digest(state);
    XXH128_canonical_t canonical;
    XXH128_canonicalFromHash(&canonical, h);
    Hash128 out;
    std::memcpy(out.data(), canonical.digest, out.size());
    return out;
}

std::string hexPrefix(const Hash128& h, size_t bytes) {
    static const char* digits = "0123456789abcdef";
    std::string out;
    for (size_t i = 0; i < std::min(bytes, h.size()); ++i)
        out += digits[h[i] >> 4], out += digits[h[i] & 15];
    return out;
}

uint64_t first64(const Hash128& h) {
    uint64_t v = 0;
    for (size_t i = 0; i < 8; ++i)
        v = (v << 8) | h[i];
    return v;
}

} // namespace gpo
