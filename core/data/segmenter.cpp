#include "data/segmenter.h"

#include "util/text.h"

namespace gpo {
namespace {

/// Shrinks [b, e) of `text` to exclude leading and trailing whitespace.
Step trimmedStep(std::string_view text, size_t b, size_t e) {
    while (b < e && text::isSpace(text[b]))
        ++b;
    while (e > b && text::isSpace(text[e - 1]))
        --e;
    return Step{static_cast<int64_t>(b), static_cast<int64_t>(e), std::nullopt};
}

void pushIfNonEmpty(std::vector<Step>& out, std::string_view text, size_t b, size_t e) {
    Step s = trimmedStep(text, b, e);
    if (s.end > s.begin) out.push_back(s);
}

int64_t nonSpaceChars(std::string_view text, const Step& s) {
    int64_t n = 0;
    for (int64_t i = s.begin; i < s.end; ++i)
        if (!text::isSpace(text[static_cast<size_t>(i)])) ++n;
    return n;
}

/// True when the line starting at `pos` opens with a step marker such as "Step 3:" or "## Step 3".
bool isStepMarker(std::string_view text, size_t pos) {
    while (pos < text.size() &&
           (text[pos] == '#' || text[pos] == '*' || text[pos] == ' ' || text[pos] == '\t'))
        ++pos;
    std::string_view rest = text.substr(pos);
    if (rest.size() < 5) return false;
    if (text::toLower(rest.substr(0, 4)) != "step") return false;
    size_t i = 4;
    while (i < rest.size() && rest[i] == ' ')
        ++i;
    const size_t digitsStart = i;
    while (i < rest.size() && text::isDigit(rest[i]))
        ++i;
    return i > digitsStart;
}

} // namespace

std::vector<Step> Segmenter::segment(std::string_view text, const SegmentOptions& options) const {
    return applySegmentOptions(text, split(text), options);
}

std::vector<Step> NewlineSegmenter::split(std::string_view text) const {
    std::vector<Step> out;
    size_t start = 0;
    for (size_t i = 0; i <= text.size(); ++i) {
        if (i == text.size() || text[i] == '\n') {
            pushIfNonEmpty(out, text, start, i);
            start = i + 1;
        }
    }
    return out;
}

std::vector<Step> ParagraphSegmenter::split(std::string_view text) const {
    std::vector<Step> out;
    size_t start = 0, lineStart = 0;
    for (size_t i = 0; i <= text.size(); ++i) {
        if (i == text.size() || text[i] == '\n') {
            const bool blank = text::trim(text.substr(lineStart, i - lineStart)).empty();
            if (blank || i == text.size()) {
                pushIfNonEmpty(out, text, start, i);
                start = i;
            }
            lineStart = i + 1;
        }
    }
    return out;
}

std::vector<Step> StepMarkerSegmenter::split(std::string_view text) const {
    std::vector<Step> out;
    size_t start = 0;
    for (size_t lineStart = 0; lineStart < text.size();) {
        size_t nl = text.find('\n', lineStart);
        if (nl == std::string_view::npos) nl = text.size();
        if (lineStart > start && isStepMarker(text, lineStart)) {
            pushIfNonEmpty(out, text, start, lineStart);
            start = lineStart;
        }
        lineStart = nl + 1;
    }
    pushIfNonEmpty(out, text, start, text.size());
    return out;
}

std::vector<Step> applySegmentOptions(std::string_view text, std::vector<Step> steps,
                                      const SegmentOptions& o) {
    if (o.minChars > 0 && steps.size() > 1) {
        std::vector<Step> merged;
        std::optional<int64_t> pendingBegin;
        for (size_t i = 0; i < steps.size(); ++i) {
            Step s = steps[i];
            if (pendingBegin) s.begin = *pendingBegin;
            const bool last = i + 1 == steps.size();
            if (!last && nonSpaceChars(text, steps[i]) < o.minChars) {
                pendingBegin = s.begin;
                continue;
            }
            pendingBegin.reset();
            merged.push_back(s);
        }
        steps = std::move(merged);
    }
    if (o.maxSteps > 0 && steps.size() > static_cast<size_t>(o.maxSteps)) {
        const int64_t end = steps.back().end;
        steps.resize(static_cast<size_t>(o.maxSteps));
        steps.back().end = end;
        steps.back().label.reset();
    }
    return steps;
}

Trajectory trajectoryFromSteps(const std::vector<std::string>& steps, std::string_view separator) {
    Trajectory t;
    for (const std::string& s : steps) {
        if (!t.response.empty()) t.response += separator;
        Step step{static_cast<int64_t>(t.response.size()), 0, std::nullopt};
        t.response += s;
        step.end = static_cast<int64_t>(t.response.size());
        t.steps.push_back(step);
    }
    return t;
}

} // namespace gpo
