#include "model/normalizer.h"

#include "util/input_error.h"
#include "util/text.h"

#include <cstdlib>
#include <stdexcept>
#include <utf8proc.h>

namespace gpo::model {
namespace {

std::string unicodeNormalize(std::string_view text, int options) {
    utf8proc_uint8_t* out = nullptr;
    const utf8proc_ssize_t n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(text.data()),
                                            static_cast<utf8proc_ssize_t>(text.size()), &out,
                                            static_cast<utf8proc_option_t>(options | UTF8PROC_STABLE));
    if (n < 0) throw std::invalid_argument(std::string("cannot normalise text: ") + utf8proc_errmsg(n));
    std::string result(reinterpret_cast<const char*>(out), static_cast<size_t>(n));
    std::free(out);
    return result;
}

} // namespace

Normalizer Normalizer::fromJson(const nlohmann::json& j, const std::string& path) {
    Normalizer n;
    n.read(j, path);
    return n;
}

void Normalizer::read(const nlohmann::json& j, const std::string& path) {
    if (j.is_null()) return;
    const std::string type = j.value("type", "");
    if (type == "Sequence") {
        for (const auto& s : j.value("normalizers", nlohmann::json::array()))
            read(s, path);
        return;
    }
    Step s;
    if (type == "NFC") {
        s.options = UTF8PROC_COMPOSE;
    } else if (type == "NFD") {
        s.options = UTF8PROC_DECOMPOSE;
    } else if (type == "NFKC") {
        s.options = UTF8PROC_COMPOSE | UTF8PROC_COMPAT;
    } else if (type == "NFKD") {
        s.options = UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT;
    } else if (type == "Prepend" && j.contains("prepend") && j["prepend"].is_string()) {
        s.kind = Step::Kind::Prepend;
        s.to = j["prepend"].get<std::string>();
    } else if (type == "Replace" && j.contains("pattern") && j["pattern"].contains("String") &&
               j.contains("content")) {
        s.kind = Step::Kind::Replace;
        s.from = j["pattern"]["String"].get<std::string>();
        s.to = j["content"].get<std::string>();
    } else {
        throw InputError(path, 0,
                         "normalizer '" + type +
                             "' is not supported (NFC, NFD, NFKC, NFKD, Prepend, Replace of a string)");
    }
    steps_.push_back(std::move(s));
}

std::string Normalizer::apply(std::string_view text) const {
    std::string out(text);
    for (const Step& s : steps_) {
        switch (s.kind) {
        case Step::Kind::Unicode:
            out = unicodeNormalize(out, s.options);
            break;
        case Step::Kind::Prepend:
            if (!out.empty()) out.insert(0, s.to);
            break;
        case Step::Kind::Replace:
            out = text::replaceAll(out, s.from, s.to);
            break;
        }
    }
    return out;
}

} // namespace gpo::model
