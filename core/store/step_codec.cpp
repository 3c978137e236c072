#include "store/step_codec.h"

#include <stdexcept>

namespace gpo::stepcodec {
namespace {

constexpr int8_t kNoLabel = 127;

void putU32(std::string& out, uint32_t v) {
    for (int i = 0; i < 4; ++i)
        out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

uint32_t getU32(const std::string& s, size_t at) {
    uint32_t v = 0;
    for (size_t i = 0; i < 4; ++i)
        v |= static_cast<uint32_t>(static_cast<uint8_t>(s[at + i])) << (8 * i);
    return v;
}

} // namespace

std::string encodeOffsets(const std::vector<Step>& steps) {
    std::string out;
    out.reserve(steps.size() * 8);
    for (const Step& s : steps) {
        if (s.begin < 0 || s.end < s.begin || s.end > UINT32_MAX)
            throw std::invalid_argument("step offsets out of range");
        putU32(out, static_cast<uint32_t>(s.begin));
        putU32(out, static_cast<uint32_t>(s.end));
    }
    return out;
}

std::string encodeLabels(const std::vector<Step>& steps) {
    bool any = false;
    for (const Step& s : steps)
        any = any || s.label.has_value();
    if (!any) return {};
    std::string out;
    out.reserve(steps.size());
    for (const Step& s : steps)
        out.push_back(static_cast<char>(s.label ? static_cast<int8_t>(*s.label) : kNoLabel));
    return out;
}

std::vector<Step> decode(const std::string& offsets, const std::string& labels, size_t responseSize) {
    if (offsets.size() % 8 != 0) throw std::runtime_error("step offsets are not whole (begin, end) pairs");
    const size_t n = offsets.size() / 8;
    if (!labels.empty() && labels.size() != n) throw std::runtime_error("step labels do not match the steps");
    std::vector<Step> steps(n);
    for (size_t i = 0; i < n; ++i) {
        steps[i].begin = getU32(offsets, 8 * i);
        steps[i].end = getU32(offsets, 8 * i + 4);
        if (steps[i].end < steps[i].begin || static_cast<size_t>(steps[i].end) > responseSize)
            throw std::runtime_error("step " + std::to_string(i) + " lies outside its text");
        if (!labels.empty() && static_cast<int8_t>(labels[i]) != kNoLabel)
            steps[i].label = static_cast<int8_t>(labels[i]);
    }
    return steps;
}

} // namespace gpo::stepcodec
