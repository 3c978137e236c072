#include "cli_common.h"
#include "data/json_source.h"
#include "data/segmenter.h"
#include "policy_args.h"
#include "train/sft.h"
#include "util/input_error.h"

#include <filesystem>
#include <iostream>
#include <numeric>
#include <random>

namespace gpo::cli {
namespace {

/// prompt/completion (or text) records of a JSONL file, tokenized; errors name file and line.
std::vector<train::SftExample> readExamples(const std::string& path, const model::Policy& policy) {
    const model::Tokenizer& tok = policy.requireTokenizer();
    const std::vector<int32_t>& eos = policy.eosIds();
    NewlineSegmenter unused;
    ReadContext ctx;
    ctx.segmenter = &unused;
    ReadReport report;
    std::vector<train::SftExample> out;
    forEachJsonRecord(path, ctx, report, [&](const nlohmann::json& j, int64_t line) {
        if (!j.is_object())
            throw InputError(path, line, "a record must be an object with prompt and completion (or text)");
        train::SftExample e;
        const bool pair = j.contains("completion");
        const std::string prompt = pair ? optionalString(j, "prompt") : std::string();
        const std::string completion = pair ? requireString(j, "completion") : requireString(j, "text");
        e.tokens = tok.encodePrompt(prompt);
        e.promptTokens = static_cast<int64_t>(e.tokens.size());
        const auto c = tok.encode(completion);
        e.tokens.insert(e.tokens.end(), c.begin(), c.end());
        if (!eos.empty()) e.tokens.push_back(eos.front());
        if (e.tokens.size() - static_cast<size_t>(e.promptTokens) < 1 || e.tokens.size() < 2)
            throw InputError(path, line, "the completion is empty");
        out.push_back(std::move(e));
    });
    if (out.empty()) throw InputError(path, 0, "no training examples");
    return out;
}

} // namespace

void addSft(CLI::App& app, Context&, int& rc) {
    struct Args {
        PolicyArgs policy;
        std::string data;
        train::SftOptions sft;
        uint64_t seed = 0;
        bool json = false;
    };
    auto a = std::make_shared<Args>();
    auto* cmd = app.add_subcommand(
        "sft", "Supervised fine-tuning on prompt/completion JSONL (loss on completions only)");
    a->policy.addTo(cmd);
    cmd->add_option("--data", a->data, "JSONL: {\"prompt\", \"completion\"} or {\"text\"} per line")
        ->required()
        ->check(CLI::ExistingFile);
    cmd->add_option("--out,-o", a->sft.outDir,
                    "Checkpoint folder (written every --checkpoint-every steps and at the end)")
        ->required();
    cmd->add_option("--steps", a->sft.steps, "Optimizer steps")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cmd->add_option("--batch", a->sft.batchSize, "Examples per micro-batch")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cmd->add_option("--accumulation", a->sft.accumulation, "Micro-batches per step")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cmd->add_option("--lr", a->sft.lr, "Peak learning rate")->capture_default_str();
    cmd->add_option("--min-lr", a->sft.minLr, "Final learning rate of the cosine schedule")
        ->capture_default_str();
    cmd->add_option("--warmup", a->sft.warmup, "Warm-up steps")->capture_default_str();
    cmd->add_option("--weight-decay", a->sft.weightDecay, "AdamW weight decay")->capture_default_str();
    cmd->add_option("--clip", a->sft.clip, "Gradient-norm clip (0: off)")->capture_default_str();
    cmd->add_option("--checkpoint-every", a->sft.checkpointEvery, "Steps between checkpoints")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cmd->add_option("--log-every", a->sft.logEvery, "Steps between metrics lines")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cmd->add_option("--seed", a->seed, "Seed of the data order")->capture_default_str();
    cmd->add_flag("--resume", a->sft.resume, "Continue from the checkpoint in --out");
    cmd->add_flag("--json", a->json, "Metrics as JSON lines on stdout; the result last");
    cmd->callback([a, &rc] {
        rc = runCommand(a->json, [&] {
            PolicyArgs from = a->policy;
            if (a->sft.resume && std::filesystem::exists(a->sft.outDir + "/trainer_state.json"))
                from.policy = a->sft.outDir;
            auto policy = from.load();
            const auto examples = readExamples(a->data, *policy);
            // Each epoch visits the examples in its own seeded order; index -> example is fixed.
            const auto n = static_cast<int64_t>(examples.size());
            std::vector<int64_t> order(static_cast<size_t>(n));
            int64_t orderEpoch = -1;
            auto source = [&, seed = a->seed](int64_t index) {
                if (const int64_t epoch = index / n; epoch != orderEpoch) {
                    std::iota(order.begin(), order.end(), 0);
                    std::shuffle(order.begin(), order.end(),
                                 std::mt19937_64(seed + static_cast<uint64_t>(epoch)));
                    orderEpoch = epoch;
                }
                return examples[static_cast<size_t>(order[static_cast<size_t>(index % n)])];
            };
            std::cerr << "gpo sft: " << n << " examples, " << a->sft.steps << " steps\n";
            const train::SftResult r = train::runSft(*policy, source, a->sft, [&](const nlohmann::json& m) {
                if (a->json)
                    printJson(m);
                else
                    std::cerr << "step " << m["step"] << "/" << m["steps"] << " loss " << m["loss"] << "\n";
            });
            const nlohmann::json result{{"ok", true},     {"out", a->sft.outDir}, {"steps", r.steps},
                                        {"loss", r.loss}, {"seconds", r.seconds}, {"examples", n}};
            printResult(a->json, result);
            return 0;
        });
    });
}

} // namespace gpo::cli
