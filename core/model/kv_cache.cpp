#include "model/kv_cache.h"

#include "model/model_config.h"

#include <stdexcept>

namespace gpo::model {

KvCache::KvCache(const ModelConfig& config, int64_t batch, int64_t capacity, const at::TensorOptions& options)
    : batch_(batch), capacity_(capacity) {
    for (int64_t l = 0; l < config.layers; ++l) {
        keys_.push_back(at::empty({batch, config.kvHeads, capacity, config.headDim}, options));
        values_.push_back(at::empty({batch, config.kvHeads, capacity, config.headDim}, options));
    }
    valid_ = at::zeros({batch, capacity}, options.dtype(at::kBool));
}

void KvCache::attachPrefix(std::shared_ptr<const KvCache> prefix, const at::Tensor& visible,
                           const at::Tensor& prefixRows) {
    if (visible.dim() != 1 || visible.size(0) != batch_)
        throw std::invalid_argument("prefix visibility needs one length per row");
    if (visible.numel() > 0 && visible.max().item<int64_t>() > prefix->length())
        throw std::invalid_argument("a row cannot see more of the prefix than was encoded");
    at::Tensor rows =
        prefixRows.defined() ? prefixRows.to(at::kCPU, at::kLong) : at::zeros({batch_}, at::kLong);
    if (rows.dim() != 1 || rows.size(0) != batch_)
        throw std::invalid_argument("prefix rows need one index per row");
    if (rows.numel() > 0 && (rows.min().item<int64_t>() < 0 || rows.max().item<int64_t>() >= prefix->batch()))
        throw std::invalid_argument("a prefix row index is out of range");
    prefix_ = std::move(prefix);
    prefixVisible_ = visible.to(valid_.device(), at::kLong);
    prefixRows_ = rows.to(valid_.device());
}

void KvCache::advance(int64_t steps) {
    if (length_ + steps > capacity_) throw std::out_of_range("KV cache is full");
    length_ += steps;
}

void KvCache::selectRows(const at::Tensor& rows) {
    const at::Tensor idx = rows.to(valid_.device(), at::kLong);
    for (auto& k : keys_)
        k = k.index_select(0, idx);
    for (auto& v : values_)
        v = v.index_select(0, idx);
    valid_ = valid_.index_select(0, idx);
    if (prefix_) {
        prefixVisible_ = prefixVisible_.index_select(0, idx);
        prefixRows_ = prefixRows_.index_select(0, idx);
    }
    batch_ = idx.numel();
}

int64_t KvCache::bytes() const {
    int64_t n = 0;
    for (const auto& k : keys_)
        n += k.numel() * static_cast<int64_t>(k.element_size());
    for (const auto& v : values_)
        n += v.numel() * static_cast<int64_t>(v.element_size());
    return n;
}

} // namespace gpo::model
