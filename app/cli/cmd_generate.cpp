#include "cli_common.h"
#include "model/generation.h"
#include "policy_args.h"

#include <cstdio>
#include <iostream>

namespace gpo::cli {

void addGenerate(CLI::App& app, Context&, int& rc) {
    struct Args {
        PolicyArgs policy;
        std::string prompt, promptIds;
        bool chat = false, json = false, ignoreEos = false;
        int64_t samples = 1;
        uint64_t seed = 0;
        model::SamplingParams sampling;
    };
    auto a = std::make_shared<Args>();
    auto* cmd = app.add_subcommand("generate", "Sample continuations of a prompt from a policy");
    a->policy.addTo(cmd);
    auto* prompt = cmd->add_option("--prompt", a->prompt, "Prompt text");
    auto* ids = cmd->add_option("--prompt-ids", a->promptIds, "Prompt as token ids, comma-separated");
    prompt->excludes(ids);
    cmd->add_flag("--chat", a->chat, "Wrap the prompt as a user turn in the tokenizer's chat template");
    cmd->add_option("--samples,-n", a->samples, "Continuations to sample (they share the prompt's cache)")
        ->check(CLI::Range(1, 100000))
        ->capture_default_str();
    cmd->add_option("--temperature,-t", a->sampling.temperature, "0 for greedy")
        ->check(CLI::Range(0.0, 100.0))
        ->capture_default_str();
    cmd->add_option("--top-k", a->sampling.topK, "Keep the k likeliest tokens (0: off)")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str();
    cmd->add_option("--top-p", a->sampling.topP, "Nucleus sampling mass (1: off)")
        ->check(CLI::Range(0.0, 1.0))
        ->capture_default_str();
    cmd->add_option("--max-tokens", a->sampling.maxNewTokens, "New tokens at most")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cmd->add_option("--stop", a->sampling.stopStrings, "Stop after this text (repeatable)");
    cmd->add_flag("--ignore-eos", a->ignoreEos, "Keep going past EOS tokens");
    cmd->add_option("--seed", a->seed, "Seed; sample k uses seed + k")->capture_default_str();
    cmd->add_flag("--json", a->json, "Print a JSON result on stdout");
    cmd->callback([a, &rc, prompt, ids] {
        rc = runCommand(a->json, [&] {
            if (!*prompt && !*ids) throw CLI::ValidationError("give --prompt or --prompt-ids");
            auto policy = a->policy.load();
            std::vector<int32_t> tokens;
            if (*ids) {
                tokens = parseIdList(a->promptIds);
            } else {
                const auto& tok = policy->requireTokenizer();
                const std::string text =
                    a->chat ? tok.applyChatTemplate({{"user", a->prompt}}, true) : a->prompt;
                tokens = tok.encodePrompt(text);
            }
            if (tokens.empty()) throw std::invalid_argument("the prompt is empty");
            for (int32_t t : tokens)
                if (t >= policy->config().vocabSize)
                    throw std::invalid_argument("prompt token " + std::to_string(t) +
                                                " is outside the vocabulary");
            a->sampling.stopAtEos = !a->ignoreEos;
            std::vector<model::GenerationRow> rows;
            for (int64_t k = 0; k < a->samples; ++k)
                rows.push_back({static_cast<int64_t>(tokens.size()), {}, a->seed + static_cast<uint64_t>(k)});
            model::GenerationStats stats;
            const auto out = model::generate(*policy, tokens, rows, a->sampling, &stats);
            const double seconds = stats.prefillSeconds + stats.decodeSeconds;
            std::cerr << "gpo: " << stats.newTokens << " new tokens in " << seconds << " s ("
                      << (seconds > 0 ? static_cast<double>(stats.newTokens) / seconds : 0.0)
                      << " tokens/s)\n";
            if (a->json) {
                nlohmann::json samples = nlohmann::json::array();
                for (const auto& g : out)
                    samples.push_back({{"text", g.text}, {"tokens", g.tokens}, {"finish", g.finish}});
                printJson({{"ok", true},
                           {"prompt_tokens", tokens},
                           {"samples", samples},
                           {"new_tokens", stats.newTokens},
                           {"seconds", seconds},
                           {"device", policy->device().str()}});
                return 0;
            }
            for (size_t k = 0; k < out.size(); ++k) {
                if (out.size() > 1) std::printf("--- sample %zu (%s)\n", k, out[k].finish.c_str());
                if (policy->tokenizer()) {
                    std::printf("%s\n", out[k].text.c_str());
                } else {
                    for (int32_t t : out[k].tokens)
                        std::printf("%d ", t);
                    std::printf("\n");
                }
            }
            return 0;
        });
    });
}

} // namespace gpo::cli
