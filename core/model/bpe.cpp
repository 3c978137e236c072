#include "model/bpe.h"

#include <cstdio>
#include <queue>
#include <stdexcept>

namespace gpo::model {

void BpeModel::addToken(const std::string& token, int32_t id) {
    if (id < 0) throw std::invalid_argument("negative token id for '" + token + "'");
    idByToken_[token] = id;
    if (static_cast<size_t>(id) >= idToToken_.size()) idToToken_.resize(static_cast<size_t>(id) + 1);
    idToToken_[static_cast<size_t>(id)] = token;
}

bool BpeModel::addMerge(const std::string& left, const std::string& right) {
    const int32_t a = idOf(left), b = idOf(right), merged = idOf(left + right);
    if (a < 0 || b < 0 || merged < 0) return false;
    merges_.try_emplace(pairKey(a, b), Merge{static_cast<int32_t>(merges_.size()), merged});
    return true;
}

int32_t BpeModel::idOf(std::string_view token) const {
    auto it = idByToken_.find(token);
    return it == idByToken_.end() ? -1 : it->second;
}

const std::string& BpeModel::tokenOf(int32_t id) const {
    static const std::string none;
    if (id < 0 || static_cast<size_t>(id) >= idToToken_.size()) return none;
    return idToToken_[static_cast<size_t>(id)];
}

void BpeModel::setMissingCharacters(bool byteFallback, int32_t unk, bool fuseUnk) {
    byteFallback_ = byteFallback;
    unk_ = unk;
    fuseUnk_ = fuseUnk;
}

void BpeModel::encodeWord(std::string_view word, std::vector<int32_t>& out) const {
    if (word.empty()) return;
    if (ignoreMerges_) {
        if (const int32_t whole = idOf(word); whole >= 0) {
            out.push_back(whole);
            return;
        }
    }
    // Symbols start as single characters, kept in a linked list that merges shrink.
    struct Symbol {
        int32_t id;
        int32_t prev, next;
    };
    std::vector<Symbol> symbols;
    symbols.reserve(word.size());
    for (size_t i = 0; i < word.size();) {
        size_t len = 1;
        const auto c = static_cast<unsigned char>(word[i]);
        if (c >= 0xF0)
            len = 4;
        else if (c >= 0xE0)
            len = 3;
        else if (c >= 0xC0)
            len = 2;
        const std::string_view ch = word.substr(i, len);
        i += len;
        auto push = [&](int32_t id) {
            const auto n = static_cast<int32_t>(symbols.size());
            symbols.push_back({id, n - 1, n + 1});
        };
        if (const int32_t id = idOf(ch); id >= 0) {
            push(id);
            continue;
        }
        std::vector<int32_t> bytes;
        if (byteFallback_)
            for (const char b : ch) {
                char name[8];
                std::snprintf(name, sizeof name, "<0x%02X>", static_cast<unsigned char>(b));
                if (const int32_t id = idOf(name); id >= 0) bytes.push_back(id);
            }
        if (byteFallback_ && bytes.size() == ch.size()) {
            for (const int32_t id : bytes)
                push(id);
        } else if (unk_ >= 0) {
            if (!(fuseUnk_ && !symbols.empty() && symbols.back().id == unk_)) push(unk_);
        } else {
            throw std::runtime_error("character '" + std::string(ch) + "' is not in the vocabulary");
        }
    }
    symbols.back().next = -1;

    struct Candidate {
        int32_t rank, left, right, leftId, rightId;
        bool operator>(const Candidate& o) const { return rank != o.rank ? rank > o.rank : left > o.left; }
    };
    std::priority_queue<Candidate, std::vector<Candidate>, std::greater<>> heap;
    auto consider = [&](int32_t left) {
        if (left < 0) return;
        const int32_t right = symbols[static_cast<size_t>(left)].next;
        if (right < 0) return;
        const int32_t a = symbols[static_cast<size_t>(left)].id, b = symbols[static_cast<size_t>(right)].id;
        if (auto it = merges_.find(pairKey(a, b)); it != merges_.end())
            heap.push({it->second.rank, left, right, a, b});
    };
    for (int32_t i = 0; i < static_cast<int32_t>(symbols.size()); ++i)
        consider(i);

    constexpr int32_t kDead = -2;
    while (!heap.empty()) {
        const Candidate c = heap.top();
        heap.pop();
        Symbol& l = symbols[static_cast<size_t>(c.left)];
        if (l.id != c.leftId || l.next != c.right) continue; // stale: a neighbour merged first
        Symbol& r = symbols[static_cast<size_t>(c.right)];
        if (r.id != c.rightId || r.prev == kDead) continue;
        l.id = merges_.at(pairKey(c.leftId, c.rightId)).merged;
        l.next = r.next;
        if (r.next >= 0) symbols[static_cast<size_t>(r.next)].prev = c.left;
        r.prev = kDead;
        r.id = -1;
        consider(l.prev);
        consider(c.left);
    }
    for (int32_t i = 0; i >= 0; i = symbols[static_cast<size_t>(i)].next)
        out.push_back(symbols[static_cast<size_t>(i)].id);
}

} // namespace gpo::model
