#include "model/token_decoder.h"

#include "util/input_error.h"
#include "util/text.h"

namespace gpo::model {
namespace {

/// The byte of a "<0xXX>" token, or -1.
int fallbackByte(const std::string& token) {
    if (token.size() != 6 || token.compare(0, 3, "<0x") != 0 || token[5] != '>') return -1;
    auto hex = [](char c) {
        return c >= '0' && c <= '9'   ? c - '0'
               : c >= 'A' && c <= 'F' ? c - 'A' + 10
               : c >= 'a' && c <= 'f' ? c - 'a' + 10
                                      : -1;
    };
    const int hi = hex(token[3]), lo = hex(token[4]);
    return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
}

} // namespace

std::string metaspacePrependScheme(const nlohmann::json& j) {
    return j.value("prepend_scheme", j.value("add_prefix_space", true) ? "always" : "never");
}

TokenDecoder TokenDecoder::fromJson(const nlohmann::json& j, const std::string& path) {
    TokenDecoder d;
    d.read(j, path);
    return d;
}

void TokenDecoder::read(const nlohmann::json& j, const std::string& path) {
    if (j.is_null()) return;
    const std::string type = j.value("type", "");
    if (type == "Sequence") {
        for (const auto& s : j.value("decoders", nlohmann::json::array()))
            read(s, path);
        return;
    }
    Step s;
    if (type == "Replace" && j.contains("pattern") && j["pattern"].contains("String") &&
        j.contains("content")) {
        s.kind = Step::Kind::Replace;
        s.from = j["pattern"]["String"].get<std::string>();
        s.to = j["content"].get<std::string>();
    } else if (type == "Metaspace") {
        s.kind = Step::Kind::Metaspace;
        s.from = j.value("replacement", std::string("\xE2\x96\x81"));
        s.dropFirst = metaspacePrependScheme(j) != "never";
    } else if (type == "ByteFallback") {
        s.kind = Step::Kind::ByteFallback;
    } else if (type == "Fuse") {
        s.kind = Step::Kind::Fuse;
    } else if (type == "Strip" && j.contains("content") && j["content"].is_string()) {
        s.kind = Step::Kind::Strip;
        s.from = j["content"].get<std::string>();
        s.start = j.value("start", size_t(0));
        s.stop = j.value("stop", size_t(0));
    } else {
        throw InputError(
            path, 0,
            "decoder '" + type +
                "' is not supported (ByteLevel; or Replace, ByteFallback, Fuse, Strip, Metaspace)");
    }
    steps_.push_back(std::move(s));
}

std::string TokenDecoder::decode(std::vector<std::string> tokens) const {
    for (const Step& s : steps_) {
        switch (s.kind) {
        case Step::Kind::Replace:
            for (auto& t : tokens)
                t = text::replaceAll(t, s.from, s.to);
            break;
        case Step::Kind::Metaspace:
            for (size_t i = 0; i < tokens.size(); ++i) {
                std::string& t = tokens[i];
                if (i == 0 && s.dropFirst && t.compare(0, s.from.size(), s.from) == 0)
                    t.erase(0, s.from.size());
                t = text::replaceAll(t, s.from, " ");
            }
            break;
        case Step::Kind::ByteFallback: {
            std::vector<std::string> out;
            std::string bytes;
            for (auto& t : tokens) {
                if (const int b = fallbackByte(t); b >= 0) {
                    bytes += static_cast<char>(b);
                    continue;
                }
                if (!bytes.empty()) out.push_back(std::move(bytes));
                bytes.clear();
                out.push_back(std::move(t));
            }
            if (!bytes.empty()) out.push_back(std::move(bytes));
            tokens = std::move(out);
            break;
        }
        case Step::Kind::Fuse: {
            std::string all;
            for (const auto& t : tokens)
                all += t;
            tokens = {std::move(all)};
            break;
        }
        case Step::Kind::Strip:
            for (auto& t : tokens) {
                size_t a = 0, b = t.size();
                for (size_t i = 0;
                     i < s.start && b - a >= s.from.size() && t.compare(a, s.from.size(), s.from) == 0; ++i)
                    a += s.from.size();
                for (size_t i = 0; i < s.stop && b - a >= s.from.size() &&
                                   t.compare(b - s.from.size(), s.from.size(), s.from) == 0;
                     ++i)
                    b -= s.from.size();
                t = t.substr(a, b - a);
            }
            break;
        }
    }
    std::string out;
    for (const auto& t : tokens)
        out += t;
    return out;
}

} // namespace gpo::model
