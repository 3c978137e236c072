// gpo bench generate: decoding speed and model-FLOP utilisation against this machine's own matmul peak,
// and what prefix sharing saves on MC-shaped work (K forks of one prefix; rollouts from every cut of one
// trajectory).
#include "cli_common.h"
#include "model/flops.h"
#include "model/generation.h"
#include "model/initialize.h"
#include "model/torch_util.h"
#include "policy_args.h"

#include <iostream>
#include <random>

namespace gpo::cli {
namespace {

struct Timed {
    model::GenerationStats stats;
    double seconds = 0;
};

/// Runs `rows` twice (a warm-up, then the timed run).
Timed timeRun(model::Policy& policy, const std::vector<int32_t>& shared,
              const std::vector<model::GenerationRow>& rows, const model::SamplingParams& params) {
    model::generate(policy, shared, rows, params);
    Timed t;
    model::generate(policy, shared, rows, params, &t.stats);
    t.seconds = t.stats.prefillSeconds + t.stats.decodeSeconds;
    return t;
}

std::vector<int32_t> randomIds(std::mt19937_64& rng, int64_t n, int64_t vocab) {
    std::vector<int32_t> ids(static_cast<size_t>(n));
    for (auto& id : ids)
        id = static_cast<int32_t>(rng() % static_cast<uint64_t>(vocab));
    return ids;
}

} // namespace

void addBenchGenerate(CLI::App& bench, Context&, int& rc) {
    struct Args {
        PolicyArgs policy;
        model::SmallModelShape shape;
        int64_t prefix = 200, newTokens = 64, forks = 16, cuts = 10;
        std::vector<int64_t> batches{1, 16, 64};
        bool json = false;
    };
    auto a = std::make_shared<Args>();
    auto* cmd = bench.add_subcommand("generate", "Decoding tokens/s and MFU; prefix-sharing speed-ups");
    a->policy.addTo(cmd, /*required=*/false);
    cmd->add_option("--batches", a->batches, "Batch sizes of the plain runs (e.g. 1,16,64)")
        ->delimiter(',')
        ->capture_default_str();
    cmd->add_option("--prefix", a->prefix, "Prompt tokens per row")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cmd->add_option("--new-tokens", a->newTokens, "Tokens generated per row")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cmd->add_option("--forks", a->forks, "Continuations of one prefix in the sharing runs")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cmd->add_option("--cuts", a->cuts, "Cut points of the nested-prefix run")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cmd->add_option("--hidden", a->shape.hidden, "Without --policy: a random Qwen2-style model of this width")
        ->capture_default_str();
    cmd->add_option("--layers", a->shape.layers, "... this many layers")->capture_default_str();
    cmd->add_option("--vocab", a->shape.vocab, "... and this vocabulary")->capture_default_str();
    cmd->add_flag("--json", a->json, "Print the result as JSON (last line)");
    cmd->callback([a, &rc] {
        rc = runCommand(a->json, [&] {
            std::unique_ptr<model::Policy> policy;
            if (!a->policy.policy.empty()) {
                policy = a->policy.load();
            } else {
                a->shape.intermediate = a->shape.hidden * 11 / 4;
                a->shape.heads = std::max<int64_t>(1, a->shape.hidden / 64);
                a->shape.kvHeads = a->shape.heads % 2 == 0 ? a->shape.heads / 2 : a->shape.heads;
                const model::ModelConfig config = model::smallModelConfig(a->shape);
                const at::Device device = model::parseDevice(a->policy.device);
                const auto dtype = model::parseDtype(a->policy.dtype, "float32", device);
                policy = model::Policy::fromWeights(
                    config,
                    model::initialWeights(config, 1, at::TensorOptions().dtype(dtype).device(device)));
            }
            const model::ModelConfig& config = policy->config();
            const double peak = model::measureMatmulPeakGflops(policy->device(), policy->dtype(),
                                                               policy->device().is_cpu() ? 2048 : 8192);
            std::cerr << "model: " << config.modelType << ", " << config.parameterCount() / 1e6
                      << " M parameters on " << policy->device().str() << " ("
                      << model::scalarTypeName(policy->dtype()) << "); matmul peak " << peak << " GFLOP/s\n";

            model::SamplingParams params;
            params.temperature = 1.0;
            params.maxNewTokens = a->newTokens;
            params.stopAtEos = false;
            std::mt19937_64 rng(7);
            // FLOPs of the decode forwards: after the prefill, every step feeds one token per row.
            auto decodeFlops = [&](int64_t rows, int64_t context) {
                double f = 0;
                for (int64_t t = 1; t < a->newTokens; ++t)
                    f += static_cast<double>(rows) *
                         model::forwardFlopsPerToken(config, static_cast<double>(context + t));
                return f;
            };
            nlohmann::json runs = nlohmann::json::array();
            auto report = [&](int64_t batch, int64_t forks, const Timed& t) {
                const double mfu = decodeFlops(batch, a->prefix) / t.stats.decodeSeconds / (peak * 1e9);
                const double tps = static_cast<double>(t.stats.newTokens) / t.seconds;
                runs.push_back(
                    {{"batch", batch},
                     {"forks", forks},
                     {"prefix_tokens", a->prefix},
                     {"new_tokens", a->newTokens},
                     {"tokens_per_s", tps},
                     {"decode_tokens_per_s", static_cast<double>(t.stats.newTokens) / t.stats.decodeSeconds},
                     {"prefill_s", t.stats.prefillSeconds},
                     {"decode_s", t.stats.decodeSeconds},
                     {"mfu", mfu},
                     {"kv_cache_bytes", t.stats.cacheBytes}});
                std::cerr << "batch " << batch
                          << (forks ? " (" + std::to_string(forks) + " forks)" : std::string()) << ": " << tps
                          << " tokens/s, prefill " << t.stats.prefillSeconds << " s, decode "
                          << t.stats.decodeSeconds << " s, MFU " << mfu << ", KV cache "
                          << t.stats.cacheBytes / 1e6 << " MB\n";
            };
            for (int64_t batch : a->batches) {
                std::vector<model::GenerationRow> rows;
                for (int64_t r = 0; r < batch; ++r)
                    rows.push_back(
                        {0, randomIds(rng, a->prefix, config.vocabSize), static_cast<uint64_t>(r)});
                report(batch, 0, timeRun(*policy, {}, rows, params));
            }

            // K continuations of one prefix: encoded once and shared, or re-encoded in every row.
            const std::vector<int32_t> prefix = randomIds(rng, a->prefix, config.vocabSize);
            std::vector<model::GenerationRow> shared, copied;
            for (int64_t k = 0; k < a->forks; ++k) {
                shared.push_back({a->prefix, {}, static_cast<uint64_t>(k)});
                copied.push_back({0, prefix, static_cast<uint64_t>(k)});
            }
            const Timed forkShared = timeRun(*policy, prefix, shared, params);
            const Timed forkCopied = timeRun(*policy, {}, copied, params);
            report(a->forks, a->forks, forkShared);
            const double forkSpeedup = forkCopied.seconds / forkShared.seconds;
            std::cerr << "forks: shared prefix " << forkShared.seconds << " s (KV "
                      << forkShared.stats.cacheBytes / 1e6 << " MB) vs re-encoded " << forkCopied.seconds
                      << " s (KV " << forkCopied.stats.cacheBytes / 1e6 << " MB): " << forkSpeedup << "x\n";

            // Rollouts from every step of one trajectory: its prefixes are nested, one encoding serves all.
            std::vector<model::GenerationRow> nested, separate;
            const int64_t perCut = std::max<int64_t>(1, a->forks / a->cuts);
            for (int64_t c = 1; c <= a->cuts; ++c) {
                const int64_t cut = a->prefix * c / a->cuts;
                for (int64_t k = 0; k < perCut; ++k) {
                    nested.push_back({cut, {}, static_cast<uint64_t>(c * 100 + k)});
                    separate.push_back({0, std::vector<int32_t>(prefix.begin(), prefix.begin() + cut),
                                        static_cast<uint64_t>(c * 100 + k)});
                }
            }
            const Timed nestedShared = timeRun(*policy, prefix, nested, params);
            const Timed nestedSeparate = timeRun(*policy, {}, separate, params);
            const double nestedSpeedup = nestedSeparate.seconds / nestedShared.seconds;
            std::cerr << "nested cuts (" << nested.size() << " rollouts from " << a->cuts << " cuts): shared "
                      << nestedShared.seconds << " s (KV " << nestedShared.stats.cacheBytes / 1e6
                      << " MB) vs separate " << nestedSeparate.seconds << " s (KV "
                      << nestedSeparate.stats.cacheBytes / 1e6 << " MB): " << nestedSpeedup << "x\n";

            if (a->json) // the summary above, on stderr, is what people read
                printJson(
                    {{"ok", true},
                     {"device", policy->device().str()},
                     {"dtype", model::scalarTypeName(policy->dtype())},
                     {"parameters", config.parameterCount()},
                     {"peak_gflops", peak},
                     {"runs", runs},
                     {"fork_speedup", forkSpeedup},
                     {"fork_kv_cache_bytes",
                      {{"shared", forkShared.stats.cacheBytes}, {"reencoded", forkCopied.stats.cacheBytes}}},
                     {"fork_seconds", {{"shared", forkShared.seconds}, {"reencoded", forkCopied.seconds}}},
                     {"nested_speedup", nestedSpeedup},
                     {"nested_rollouts", nested.size()},
                     {"nested_kv_cache_bytes",
                      {{"shared", nestedShared.stats.cacheBytes},
                       {"separate", nestedSeparate.stats.cacheBytes}}}});
            return 0;
        });
    });
}

} // namespace gpo::cli
