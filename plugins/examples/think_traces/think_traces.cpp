// think-traces: a segmenter and a verifier for reasoning traces in the <think>…</think><answer>…</answer>
// style that R1-like models write.
//   segmenter "think-blocks": a step per paragraph (blank-line separated) inside the think block, then the
//                             text after it as the last step; a trace without one splits by paragraphs.
//   verifier "answer-tag":    the final answer is the last <answer>…</answer>; answers compare after
//                             trimming, case folding and, for numbers, by value (1,000 = 1000.0).
#include <algorithm>
#include <cctype>
#include <charconv>
#include <gpo/plugin.h>
#include <memory>

namespace {

bool blank(std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isspace(c); });
}

// Appends the trimmed, non-empty paragraphs of text[from, to) as steps.
void paragraphs(std::string_view text, size_t from, size_t to, std::vector<gpo::Step>& out) {
    size_t start = from;
    auto flush = [&](size_t end) {
        while (start < end && std::isspace(static_cast<unsigned char>(text[start])))
            ++start;
        size_t e = end;
        while (e > start && std::isspace(static_cast<unsigned char>(text[e - 1])))
            --e;
        if (e > start) out.push_back({static_cast<int64_t>(start), static_cast<int64_t>(e), std::nullopt});
    };
    size_t line = from;
    while (line < to) {
        size_t next = text.find('\n', line);
        if (next == std::string_view::npos || next > to) next = to;
        if (blank(text.substr(line, next - line)) && line > start) {
            flush(line);
            start = next;
        }
        line = next + 1;
    }
    flush(to);
}

class ThinkBlockSegmenter final : public gpo::Segmenter {
public:
    std::string name() const override { return "think-blocks"; }
    std::string description() const override {
        return "paragraphs inside <think>…</think>, then the answer after it (think-traces plugin)";
    }
    std::vector<gpo::Step> split(std::string_view text) const override {
        std::vector<gpo::Step> steps;
        const size_t open = text.find("<think>");
        const size_t close = text.find("</think>");
        if (open == std::string_view::npos || close == std::string_view::npos || close < open) {
            paragraphs(text, 0, text.size(), steps);
            return steps;
        }
        paragraphs(text, open + 7, close, steps);
        std::vector<gpo::Step> after;
        paragraphs(text, close + 8, text.size(), after);
        if (!after.empty()) steps.push_back({after.front().begin, after.back().end, std::nullopt});
        return steps;
    }
};

std::string trimmed(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
        s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
        s.remove_suffix(1);
    return std::string(s);
}

class AnswerTagVerifier final : public gpo::Verifier {
public:
    std::string name() const override { return "answer-tag"; }
    std::string description() const override {
        return "the last <answer>…</answer>; numbers by value, text case-folded (think-traces plugin)";
    }
    std::optional<std::string> extractAnswer(std::string_view response, std::string_view) const override {
        const size_t open = response.rfind("<answer>");
        if (open == std::string_view::npos) return std::nullopt;
        const size_t close = response.find("</answer>", open);
        if (close == std::string_view::npos) return std::nullopt;
        std::string answer = trimmed(response.substr(open + 8, close - open - 8));
        if (answer.empty()) return std::nullopt;
        return answer;
    }
    std::string normalize(std::string_view answer) const override {
        std::string s = trimmed(answer);
        std::string digits;
        for (const char c : s)
            if (c != ',' && c != '$') digits += c;
        double value = 0;
        const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
        if (ec == std::errc() && end == digits.data() + digits.size()) {
            char buf[64];
            std::snprintf(buf, sizeof buf, "%.12g", value);
            return buf;
        }
        std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
        return s;
    }
    bool equivalent(std::string_view answer, std::string_view reference) const override {
        return normalize(answer) == normalize(reference);
    }
};

} // namespace

GPO_PLUGIN_ENTRY {
    registry->describePlugin("think-traces", THINK_TRACES_VERSION);
    registry->addSegmenter(std::make_unique<ThinkBlockSegmenter>());
    registry->addVerifier(std::make_unique<AnswerTagVerifier>());
    return 0;
}
