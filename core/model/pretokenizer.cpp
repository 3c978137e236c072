#include "model/pretokenizer.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdexcept>

namespace gpo::model {

struct RegexSplitter::Impl {
    pcre2_code* code = nullptr;
};

RegexSplitter::RegexSplitter(const std::string& pattern) : impl_(std::make_unique<Impl>()) {
    int error = 0;
    PCRE2_SIZE errorOffset = 0;
    impl_->code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
                                PCRE2_UTF | PCRE2_UCP, &error, &errorOffset, nullptr);
    if (!impl_->code) {
        PCRE2_UCHAR message[256];
        pcre2_get_error_message(error, message, sizeof message);
        throw std::invalid_argument("bad split pattern at offset " + std::to_string(errorOffset) + ": " +
                                    reinterpret_cast<const char*>(message));
    }
    pcre2_jit_compile(impl_->code, PCRE2_JIT_COMPLETE); // falls back to the interpreter when unavailable
}

RegexSplitter::~RegexSplitter() {
    pcre2_code_free(impl_->code);
}

void RegexSplitter::split(std::string_view text, std::vector<std::string_view>& out) const {
    pcre2_match_data* match = pcre2_match_data_create_from_pattern(impl_->code, nullptr);
    const auto* subject = reinterpret_cast<PCRE2_SPTR>(text.data());
    size_t at = 0, gapStart = 0;
    while (at <= text.size()) {
        // The caller checked UTF-8 validity once for the whole text.
        const int rc = pcre2_match(impl_->code, subject, text.size(), at, PCRE2_NO_UTF_CHECK, match, nullptr);
        if (rc == PCRE2_ERROR_NOMATCH) break;
        if (rc < 0) {
            pcre2_match_data_free(match);
            PCRE2_UCHAR message[256];
            pcre2_get_error_message(rc, message, sizeof message);
            throw std::runtime_error(std::string("pre-tokenizer regex failed: ") +
                                     reinterpret_cast<const char*>(message));
        }
        const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(match);
        const size_t begin = ov[0], end = ov[1];
        if (end == begin) { // an empty match: step one character on
            at = begin + 1;
            while (at < text.size() && (static_cast<unsigned char>(text[at]) & 0xC0) == 0x80)
                ++at;
            continue;
        }
        if (begin > gapStart) out.push_back(text.substr(gapStart, begin - gapStart));
        out.push_back(text.substr(begin, end - begin));
        at = gapStart = end;
    }
    if (gapStart < text.size()) out.push_back(text.substr(gapStart));
    pcre2_match_data_free(match);
}

void PreTokenizer::addRegex(const std::string& pattern) {
    steps_.push_back({Rule::Regex, std::make_shared<RegexSplitter>(pattern), false});
}

void PreTokenizer::addDigits(bool individual) {
    steps_.push_back({Rule::Digits, nullptr, individual});
}

namespace {

void splitDigits(std::string_view piece, bool individual, std::vector<std::string_view>& out) {
    size_t start = 0;
    auto isDigit = [&](size_t i) { return piece[i] >= '0' && piece[i] <= '9'; };
    for (size_t i = 0; i < piece.size(); ++i) {
        const bool boundary = i > start && (isDigit(i) != isDigit(i - 1) || (individual && isDigit(i)));
        if (boundary) {
            out.push_back(piece.substr(start, i - start));
            start = i;
        }
    }
    if (start < piece.size()) out.push_back(piece.substr(start));
}

} // namespace

std::vector<std::string_view> PreTokenizer::split(std::string_view text) const {
    std::vector<std::string_view> pieces{text}, next;
    for (const Step& step : steps_) {
        next.clear();
        for (std::string_view piece : pieces) {
            if (step.rule == Rule::Regex)
                step.regex->split(piece, next);
            else
                splitDigits(piece, step.individualDigits, next);
        }
        pieces.swap(next);
    }
    return pieces;
}

} // namespace gpo::model
