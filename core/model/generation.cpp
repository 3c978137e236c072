#include "model/generation.h"

#include "model/autocast.h"
#include "model/kv_cache.h"
#include "model/policy.h"

#include <algorithm>
#include <c10/core/InferenceMode.h>
#include <chrono>
#include <memory>
#include <numeric>
#include <stdexcept>

namespace gpo::model {
namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point t) {
    return std::chrono::duration<double>(Clock::now() - t).count();
}

at::Tensor longTensor(const std::vector<int64_t>& v, int64_t rows, int64_t cols, const at::Device& device) {
    return at::tensor(v, at::kLong).view({rows, cols}).to(device); // a copy: `v` may change after
}

/// One row's progress through decoding.
struct RowState {
    Generated out;
    std::string bytes; // raw bytes of the new tokens, for stop strings
    bool done = false;
};

/// True when the row should stop after `token`.
bool finishes(RowState& row, int32_t token, const Policy& policy, const SamplingParams& params) {
    const auto& eos = policy.eosIds();
    if (params.stopAtEos && std::find(eos.begin(), eos.end(), token) != eos.end()) {
        row.out.finish = "eos";
        return true;
    }
    if (std::find(params.stopTokens.begin(), params.stopTokens.end(), token) != params.stopTokens.end()) {
        row.out.finish = "stop";
        return true;
    }
    if (!params.stopStrings.empty()) {
        const std::string piece = policy.requireTokenizer().decodeBytes({token});
        const size_t before = row.bytes.size();
        row.bytes += piece;
        for (const std::string& stop : params.stopStrings) {
            // Only a match that ends in this token's bytes is new.
            const size_t from = before >= stop.size() ? before - stop.size() + 1 : 0;
            if (row.bytes.find(stop, from) != std::string::npos) {
                row.out.finish = "stop";
                return true;
            }
        }
    }
    return false;
}

void finishText(RowState& row, const Policy& policy, const SamplingParams& params) {
    const Tokenizer* tok = policy.tokenizer();
    if (!tok) return;
    std::string text = tok->decode(row.out.tokens, /*skipSpecial=*/true);
    if (row.out.finish == "stop")
        for (const std::string& stop : params.stopStrings)
            if (const size_t at = text.find(stop); at != std::string::npos) text.resize(at);
    row.out.text = std::move(text);
}

} // namespace

std::vector<Generated> generate(Policy& policy, const std::vector<int32_t>& shared,
                                const std::vector<GenerationRow>& rows, const SamplingParams& params,
                                GenerationStats* stats) {
    for (size_t r = 0; r < rows.size(); ++r)
        if (rows[r].sharedIndex != 0)
            throw std::invalid_argument("row " + std::to_string(r) +
                                        " names a shared sequence that is not given");
    return generateForked(policy, {shared}, rows, params, stats);
}

std::vector<Generated> generateForked(Policy& policy, const std::vector<std::vector<int32_t>>& shared,
                                      const std::vector<GenerationRow>& rows, const SamplingParams& params,
                                      GenerationStats* stats) {
    const NoAutocast noAutocast; // sampling runs in the model's own dtype, also inside a bf16 training step
    c10::InferenceMode inference;
    Transformer& model = policy.model();
    const at::Device device = policy.device();
    const auto options = model.options();
    GenerationStats local;
    GenerationStats& st = stats ? *stats : local;
    st = {};
    const int64_t batch = static_cast<int64_t>(rows.size());
    if (batch == 0) return {};
    if (params.maxNewTokens <= 0) throw std::invalid_argument("max new tokens must be positive");

    // Each row re-feeds the last shared token it sees, so every row's first logits come from its own
    // prompt and the shared cache needs no logits at all.
    std::vector<std::vector<int32_t>> own(rows.size());
    std::vector<int64_t> visible(rows.size());
    std::vector<int64_t> needed(shared.size(), 0); // columns of each shared sequence some row reads
    for (size_t r = 0; r < rows.size(); ++r) {
        const GenerationRow& row = rows[r];
        if (row.sharedIndex >= shared.size() && row.sharedLength > 0)
            throw std::invalid_argument("row " + std::to_string(r) +
                                        " names a shared sequence that is not given");
        if (row.sharedLength < 0 ||
            (row.sharedLength > 0 && row.sharedLength > static_cast<int64_t>(shared[row.sharedIndex].size())))
            throw std::invalid_argument("row " + std::to_string(r) +
                                        " asks for more of the shared sequence than exists");
        if (row.sharedLength > 0)
            own[r].push_back(shared[row.sharedIndex][static_cast<size_t>(row.sharedLength - 1)]);
        own[r].insert(own[r].end(), row.prompt.begin(), row.prompt.end());
        if (own[r].empty()) throw std::invalid_argument("row " + std::to_string(r) + " has no prompt token");
        visible[r] = std::max<int64_t>(row.sharedLength - 1, 0);
        if (visible[r] > 0) needed[row.sharedIndex] = std::max(needed[row.sharedIndex], visible[r]);
    }
    if (model.config().family == Family::Gpt2)
        for (size_t r = 0; r < rows.size(); ++r)
            if (visible[r] + static_cast<int64_t>(own[r].size()) + params.maxNewTokens >
                model.config().maxPositions)
                throw std::invalid_argument("prompt plus max new tokens exceeds the model's " +
                                            std::to_string(model.config().maxPositions) + " positions");

    // The shared sequences some row reads, one prefix row each, right-padded to the longest.
    auto t0 = Clock::now();
    std::vector<int64_t> prefixRowOf(shared.size(), -1), prefixLengths;
    for (size_t s = 0; s < shared.size(); ++s)
        if (needed[s] > 0) {
            prefixRowOf[s] = static_cast<int64_t>(prefixLengths.size());
            prefixLengths.push_back(needed[s]);
        }
    std::shared_ptr<KvCache> prefix;
    std::vector<int64_t> prefixRows(rows.size(), 0);
    if (!prefixLengths.empty()) {
        const auto count = static_cast<int64_t>(prefixLengths.size());
        const int64_t columns = *std::max_element(prefixLengths.begin(), prefixLengths.end());
        prefix = std::make_shared<KvCache>(model.config(), count, columns, options);
        std::vector<int64_t> ids(static_cast<size_t>(count * columns), 0), pos(ids.size());
        std::vector<uint8_t> real(ids.size(), 0);
        for (size_t s = 0; s < shared.size(); ++s) {
            if (prefixRowOf[s] < 0) continue;
            const auto base = static_cast<size_t>(prefixRowOf[s] * columns);
            for (int64_t i = 0; i < needed[s]; ++i) {
                ids[base + static_cast<size_t>(i)] = shared[s][static_cast<size_t>(i)];
                real[base + static_cast<size_t>(i)] = 1;
            }
        }
        for (size_t i = 0; i < pos.size(); ++i)
            pos[i] = static_cast<int64_t>(i) % columns;
        ForwardInput in{longTensor(ids, count, columns, device), longTensor(pos, count, columns, device),
                        at::from_blob(real.data(), {count, columns}, at::kByte).to(device, at::kBool)};
        model.forward(in, prefix.get(), LogitsFor::None);
        st.prefixTokens = std::accumulate(prefixLengths.begin(), prefixLengths.end(), int64_t{0});
        for (size_t r = 0; r < rows.size(); ++r)
            if (visible[r] > 0) prefixRows[r] = prefixRowOf[rows[r].sharedIndex];
    }

    // Row prompts, left-padded to one width.
    int64_t width = 0;
    for (const auto& o : own)
        width = std::max<int64_t>(width, static_cast<int64_t>(o.size()));
    std::vector<int64_t> ids(static_cast<size_t>(batch * width), 0), pos(ids.size(), 0);
    std::vector<uint8_t> validBytes(ids.size(), 0);
    std::vector<int64_t> nextPos(rows.size());
    for (size_t r = 0; r < rows.size(); ++r) {
        const int64_t pad = width - static_cast<int64_t>(own[r].size());
        for (size_t j = 0; j < own[r].size(); ++j) {
            const size_t at = r * static_cast<size_t>(width) + static_cast<size_t>(pad) + j;
            ids[at] = own[r][j];
            pos[at] = visible[r] + static_cast<int64_t>(j);
            validBytes[at] = 1;
        }
        nextPos[r] = visible[r] + static_cast<int64_t>(own[r].size());
    }
    KvCache cache(model.config(), batch, width + params.maxNewTokens, options);
    if (prefix) cache.attachPrefix(prefix, at::tensor(visible, at::kLong), at::tensor(prefixRows, at::kLong));
    st.cacheBytes = cache.bytes() + (prefix ? prefix->bytes() : 0);
    const at::Tensor valid =
        at::from_blob(validBytes.data(), {batch, width}, at::kByte).to(device, at::kBool);
    at::Tensor logits =
        model.forward({longTensor(ids, batch, width, device), longTensor(pos, batch, width, device), valid},
                      &cache, LogitsFor::Last);
    st.promptTokens = batch * width;
    st.prefillSeconds = since(t0);

    // Decoding. `live` maps batch slots to rows; finished rows leave the batch once they are many.
    t0 = Clock::now();
    std::vector<RowState> state(rows.size());
    std::vector<int64_t> live(rows.size());
    for (size_t r = 0; r < rows.size(); ++r)
        live[r] = static_cast<int64_t>(r);
    const at::Tensor ones = at::ones({batch, 1}, at::TensorOptions().dtype(at::kBool).device(device));
    for (int64_t step = 0; step < params.maxNewTokens; ++step) {
        const auto slots = static_cast<int64_t>(live.size());
        std::vector<double> u(static_cast<size_t>(slots));
        for (size_t s = 0; s < live.size(); ++s)
            u[s] = uniformFor(rows[static_cast<size_t>(live[s])].seed, static_cast<uint64_t>(step));
        const at::Tensor picked = sampleTokens(logits, params, at::tensor(u, at::kDouble)).to(at::kCPU);
        std::vector<int64_t> feed(picked.data_ptr<int64_t>(), picked.data_ptr<int64_t>() + slots);
        std::vector<int64_t> running; // slots whose row goes on
        for (size_t s = 0; s < live.size(); ++s) {
            RowState& row = state[static_cast<size_t>(live[s])];
            if (row.done) continue; // a finished row still in the batch: its sample is ignored
            const auto token = static_cast<int32_t>(feed[s]);
            row.out.tokens.push_back(token);
            ++st.newTokens;
            row.done = finishes(row, token, policy, params);
            if (!row.done) running.push_back(static_cast<int64_t>(s));
        }
        ++st.decodeSteps;
        if (running.empty() || step + 1 == params.maxNewTokens) break;
        // Drop finished rows from the batch once they are half of it: their compute is pure waste.
        if (static_cast<int64_t>(running.size()) * 2 <= slots) {
            cache.selectRows(at::tensor(running, at::kLong).to(device));
            auto keepOnly = [&](std::vector<int64_t>& v) {
                std::vector<int64_t> kept;
                for (int64_t s : running)
                    kept.push_back(v[static_cast<size_t>(s)]);
                v.swap(kept);
            };
            keepOnly(live);
            keepOnly(nextPos);
            keepOnly(feed);
        }
        const auto n = static_cast<int64_t>(live.size());
        const at::Tensor positions = longTensor(nextPos, n, 1, device);
        for (auto& p : nextPos)
            ++p;
        logits = model.forward({longTensor(feed, n, 1, device), positions, ones.narrow(0, 0, n)}, &cache,
                               LogitsFor::Last);
    }
    st.decodeSeconds = since(t0);

    std::vector<Generated> out;
    out.reserve(rows.size());
    for (RowState& row : state) {
        if (!row.done) row.out.finish = "length";
        finishText(row, policy, params);
        out.push_back(std::move(row.out));
    }
    return out;
}

} // namespace gpo::model
