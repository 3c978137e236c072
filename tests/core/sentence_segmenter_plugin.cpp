// A small third-party-style plugin: splits text at sentence ends. Built as a shared library by the tests.
#include "gpo/plugin.h"

#include <memory>

namespace {

class SentenceSegmenter final : public gpo::Segmenter {
public:
    std::string name() const override { return "sentence"; }
    std::string description() const override { return "one step per sentence (test plugin)"; }
    std::vector<gpo::Step> split(std::string_view text) const override {
        std::vector<gpo::Step> out;
        size_t start = 0;
        for (size_t i = 0; i <= text.size(); ++i) {
            if (i == text.size() || text[i] == '.' || text[i] == '?' || text[i] == '!') {
                size_t b = start, e = std::min(i + 1, text.size());
                while (b < e && text[b] == ' ')
                    ++b;
                if (e > b) out.push_back({static_cast<int64_t>(b), static_cast<int64_t>(e), std::nullopt});
                start = i + 1;
            }
        }
        return out;
    }
};

} // namespace

GPO_PLUGIN_ENTRY {
    registry->describePlugin("sentences", "1.2.0");
    registry->addSegmenter(std::make_unique<SentenceSegmenter>());
    return 0;
}
