#include "train/demo_policy.h"

#include "data/demo_task.h"
#include "data/verifier.h"
#include "model/bpe_trainer.h"
#include "model/generation.h"
#include "model/policy.h"
#include "model/prompt_format.h"
#include "model/torch_util.h"
#include "model/weights.h"

#include <filesystem>
#include <fstream>

namespace gpo::train {
namespace fs = std::filesystem;

SftResult trainDemoPolicy(const DemoPolicyOptions& options, const MetricsSink& metrics) {
    const fs::path out(options.outDir);
    SftOptions sft = options.sft;
    sft.outDir = options.outDir;
    const bool resuming = sft.resume && fs::exists(out / "trainer_state.json");
    if (!resuming) {
        // A fresh start: tokenizer from the training split, then the initial weights, as a checkpoint folder.
        const fs::path staging = out.string() + ".init";
        fs::remove_all(staging);
        fs::create_directories(staging);
        std::vector<std::string> corpus;
        for (int64_t i = 0; i < options.tokenizerExamples; ++i)
            corpus.push_back(demoTrainingText(demoProblem("train", i, options.seed)));
        model::BpeTrainingOptions bpe;
        bpe.vocabSize = options.vocab;
        model::trainByteLevelBpe(corpus, bpe, (staging / "tokenizer.json").string());
        model::SmallModelShape shape = options.shape;
        shape.vocab = options.vocab;
        model::ModelConfig config = model::smallModelConfig(shape);
        config.raw["eos_token_id"] = options.vocab - 1; // <|endoftext|>, the last id
        config.raw["bos_token_id"] = options.vocab - 1;
        std::ofstream(staging / "config.json") << config.raw.dump(2) << "\n";
        std::ofstream(staging / "generation_config.json")
            << nlohmann::json{{"eos_token_id", options.vocab - 1},
                              {"do_sample", false},
                              {"max_new_tokens", 192}}
                   .dump(2)
            << "\n";
        model::PromptFormat::plain(demoPrompt("{question}")).save(staging.string());
        model::saveWeights(staging.string(), model::initialWeights(config, options.seed, at::TensorOptions()),
                           at::kFloat);
        fs::remove_all(out);
        fs::rename(staging, out);
    }
    auto policy = model::Policy::load(options.outDir, {"cpu", "float32"});
    const model::Tokenizer& tok = policy->requireTokenizer();
    const int32_t eos = policy->eosIds().empty() ? tok.eosId() : policy->eosIds().front();
    const uint64_t seed = options.seed;
    ExampleSource source = [&tok, eos, seed](int64_t index) {
        const DemoProblem p = demoProblem("train", index, seed);
        SftExample e;
        e.tokens = tok.encode(demoPrompt(p.question));
        e.promptTokens = static_cast<int64_t>(e.tokens.size());
        const auto body =
            tok.encode(demoSolution(p)); // encoded apart: the prompt/completion boundary stays exact
        e.tokens.insert(e.tokens.end(), body.begin(), body.end());
        e.tokens.push_back(eos);
        return e;
    };
    sft.resume = true; // the folder now holds the starting checkpoint (fresh or resumed)
    return runSft(*policy, source, sft, metrics);
}

DemoEvaluation evaluateOnDemoTask(model::Policy& policy, const std::string& split, int64_t count,
                                  uint64_t seed, int64_t batchSize) {
    const model::Tokenizer& tok = policy.requireTokenizer();
    const Gsm8kVerifier verifier;
    model::SamplingParams greedy;
    greedy.temperature = 0;
    greedy.maxNewTokens = 192;
    DemoEvaluation result;
    for (int64_t start = 0; start < count; start += batchSize) {
        std::vector<DemoProblem> problems;
        std::vector<model::GenerationRow> rows;
        for (int64_t i = start; i < std::min(count, start + batchSize); ++i) {
            problems.push_back(demoProblem(split, i, seed));
            rows.push_back({0, tok.encode(demoPrompt(problems.back().question)), static_cast<uint64_t>(i)});
        }
        const auto out = model::generate(policy, {}, rows, greedy);
        for (size_t i = 0; i < out.size(); ++i) {
            ++result.problems;
            if (verifier.verify(out[i].text, std::to_string(problems[i].answer)).correct) ++result.correct;
        }
    }
    return result;
}

} // namespace gpo::train
