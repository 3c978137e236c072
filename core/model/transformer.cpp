#include "model/transformer.h"

#include "model/kv_cache.h"
#include "model/lora.h"
#include "model/torch_util.h"
#include "util/input_error.h"

#include <set>

namespace gpo::model {

namespace {
std::string shapeText(at::IntArrayRef shape) {
    std::string s = "[";
    for (size_t i = 0; i < shape.size(); ++i)
        s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + "]";
}
} // namespace

std::unique_ptr<Transformer> Transformer::create(const ModelConfig& config, WeightMap weights,
                                                 const std::string& source) {
    if (weights.empty()) throw InputError(source, 0, "the checkpoint holds no tensors");
    return config.family == Family::Gpt2 ? makeGpt2(config, std::move(weights), source)
                                         : makeLlama(config, std::move(weights), source);
}

const at::Tensor& Transformer::require(const std::string& name, std::vector<int64_t> shape) const {
    auto it = weights_.find(name);
    if (it == weights_.end()) throw InputError(source_, 0, "tensor '" + name + "' is missing");
    const at::Tensor& t = it->second;
    if (t.sizes() != at::IntArrayRef(shape))
        throw InputError(source_, 0,
                         "tensor '" + name + "' has shape " + shapeText(t.sizes()) +
                             " but config.json implies " + shapeText(shape));
    if (!at::isFloatingType(t.scalar_type()))
        throw InputError(source_, 0, "tensor '" + name + "' is not floating point");
    return t;
}

std::vector<at::Tensor> Transformer::parameters() const {
    std::vector<at::Tensor> out;
    std::set<const void*> seen;
    for (const auto& [name, t] : weights_)
        if (at::isFloatingType(t.scalar_type()) && seen.insert(t.unsafeGetTensorImpl()).second)
            out.push_back(t);
    return out;
}

std::vector<at::Tensor> Transformer::trainableParameters() const {
    return lora_ ? lora_->parameters() : parameters();
}

at::Tensor Transformer::linear(const at::Tensor& x, const at::Tensor& w, const at::Tensor& b) const {
    at::Tensor y = at::linear(x, w, b);
    if (lora_)
        if (const LoraAdapter::Module* m = lora_->find(w)) y = y + lora_->delta(*m, x);
    return y;
}

at::Tensor Transformer::conv1d(const at::Tensor& b, const at::Tensor& x, const at::Tensor& w) const {
    at::Tensor y = at::addmm(b, x, w);
    if (lora_)
        if (const LoraAdapter::Module* m = lora_->find(w)) y = y + lora_->delta(*m, x);
    return y;
}

at::Tensor Transformer::forward(const ForwardInput& input, KvCache* cache, LogitsFor which) {
    followCoreShare(); // another job may have started or ended since the last pass
    ForwardContext ctx{
        input, AttentionMasks::build(input.valid, cache, options().dtype().toScalarType()), cache, {}, {}};
    prepare(ctx);
    at::Tensor x = embed(input);
    for (size_t l = 0; l < static_cast<size_t>(config_.layers); ++l)
        x = block(l, x, ctx);
    if (cache) cache->advance(input.ids.size(1));
    if (which == LogitsFor::Last) x = x.select(1, x.size(1) - 1);
    x = finalNorm(x);
    if (which == LogitsFor::None) return x;
    return logits(x);
}

at::Tensor Transformer::logits(const at::Tensor& hidden) const {
    return at::matmul(hidden, outputEmbedding().t());
}

} // namespace gpo::model
