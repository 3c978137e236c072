#include "data/readers/reader_util.h"

#include <filesystem>

namespace gpo::readers {

Trajectory segmentedTrajectory(std::string response, const ReadContext& ctx, std::string source) {
    Trajectory t;
    t.source = std::move(source);
    t.response = std::move(response);
    t.steps = ctx.segmenter->segment(t.response, ctx.segment);
    return t;
}

char choiceLetterAt(size_t i) {
    return static_cast<char>('A' + static_cast<int>(i));
}

std::string withChoices(const std::string& question, const std::vector<std::string>& options) {
    std::string out = question + "\n";
    for (size_t i = 0; i < options.size(); ++i)
        out += std::string("\n") + choiceLetterAt(i) + ". " + options[i];
    return out;
}

std::string fewShotSplitFromPath(const std::string& path) {
    const std::string split = splitFromPath(path);
    return split == "dev" || split == "val" || split == "validation" ? split : std::string();
}

std::string splitFromPath(const std::string& path) {
    const std::filesystem::path p(path);
    for (auto it = p.end(); it != p.begin();) {
        --it;
        const std::string part = it->string();
        for (const char* split : {"train", "test", "validation", "dev", "val"}) {
            const std::string s(split);
            if (part == s || part.rfind(s + "_", 0) == 0 || part.rfind(s + ".", 0) == 0 ||
                part.rfind(s + "-", 0) == 0 || // Hugging Face's "validation-00000-of-00001.parquet"

                part.find("_" + s + ".") != std::string::npos ||
                part.find("_" + s + "_") != std::string::npos ||
                part.find("-" + s + "-") != std::string::npos ||
                part.find("_" + s) == part.size() - s.size() - 1)
                return s;
        }
    }
    return {};
}

std::string fileStem(const std::string& path) {
    return std::filesystem::path(path).stem().string();
}

} // namespace gpo::readers
