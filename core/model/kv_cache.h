#pragma once
// Preallocated key/value cache for batched decoding, with prefix forking: a cache of shared sequences
// (one per prefix row, right-padded) can be attached to a batch of rows, each row reading the first
// `visible` columns of its own prefix row. All prefixes of one trajectory are nested, so one encoding of
// each trajectory serves every step's rollouts, and one batch can mix the rollouts of many trajectories.
#include <ATen/ATen.h>
#include <memory>
#include <vector>

namespace gpo::model {

struct ModelConfig;

class KvCache {
public:
    /// Room for `capacity` tokens per row in each layer, in `options`' dtype and device.
    KvCache(const ModelConfig& config, int64_t batch, int64_t capacity, const at::TensorOptions& options);

    int64_t batch() const { return batch_; }
    int64_t capacity() const { return capacity_; }
    int64_t length() const { return length_; } // columns written so far (same for every row)

    /// Lets row r attend to the first visible[r] columns of row prefixRows[r] of `prefix` before its own.
    /// With an undefined `prefixRows`, every row reads the prefix's single row.
    void attachPrefix(std::shared_ptr<const KvCache> prefix, const at::Tensor& visible,
                      const at::Tensor& prefixRows = {});
    const KvCache* prefix() const { return prefix_.get(); }
    const at::Tensor& prefixVisible() const { return prefixVisible_; }
    const at::Tensor& prefixRows() const { return prefixRows_; } ///< [batch] int64

    /// Per layer [batch, kvHeads, capacity, headDim].
    at::Tensor& keys(size_t layer) { return keys_[layer]; }
    at::Tensor& values(size_t layer) { return values_[layer]; }
    const at::Tensor& keys(size_t layer) const { return keys_[layer]; }
    const at::Tensor& values(size_t layer) const { return values_[layer]; }
    /// [batch, capacity] bool: the column holds a real token of that row (not padding).
    at::Tensor& valid() { return valid_; }
    const at::Tensor& valid() const { return valid_; }

    /// Marks `steps` more columns as written (after every layer has written them).
    void advance(int64_t steps);
    /// Keeps only `rows` (a 1-D int64 index), e.g. to drop finished rows from a decoding batch.
    void selectRows(const at::Tensor& rows);
    /// Bytes held by this cache's own tensors (not the attached prefix).
    int64_t bytes() const;

private:
    int64_t batch_, capacity_, length_ = 0;
    std::vector<at::Tensor> keys_, values_;
    at::Tensor valid_;
    std::shared_ptr<const KvCache> prefix_;
    at::Tensor prefixVisible_; // [batch] int64
    at::Tensor prefixRows_;    // [batch] int64
};

} // namespace gpo::model
