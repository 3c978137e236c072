#include "cli_common.h"
#include "model/logprobs.h"
#include "policy_args.h"
#include "train/completion_scores.h"

#include <c10/core/InferenceMode.h>
#include <cstdio>

namespace gpo::cli {

namespace {

struct LogprobsArgs {
    PolicyArgs policy;
    std::string text, ids, prompt, completion;
    bool json = false, noEos = false;
};

/// The completion's log-probs after the prompt, as training encodes and scores a pair's side.
int scoreCompletion(const LogprobsArgs& a) {
    auto policy = a.policy.load();
    const auto& tok = policy->requireTokenizer();
    const int32_t eos = a.noEos ? -1 : (!policy->eosIds().empty() ? policy->eosIds().front() : tok.eosId());
    const train::EncodedCompletion encoded = train::encodeCompletion(tok, a.prompt, a.completion, eos);
    c10::InferenceMode inference;
    const auto lp = train::completionLogprobs(policy->model(), {encoded});
    const at::Tensor values = lp.perToken[0].to(at::kCPU).to(at::kDouble).contiguous();
    std::vector<double> perToken;
    std::vector<int32_t> completionIds(encoded.tokens.begin() + encoded.promptTokens, encoded.tokens.end());
    for (int64_t i = encoded.promptTokens - 1; i < static_cast<int64_t>(encoded.tokens.size()) - 1; ++i)
        perToken.push_back(values[i].item<double>());
    const double sum = lp.scores.logps[0].item<double>();
    const auto n = static_cast<double>(perToken.size());
    if (a.json) {
        std::vector<std::string> texts;
        for (int32_t t : completionIds)
            texts.push_back(tok.tokenText(t));
        printJson({{"ok", true},
                   {"prompt_tokens", encoded.promptTokens},
                   {"completion_tokens", encoded.completionTokens()},
                   {"tokens", encoded.tokens},
                   {"completion_ids", completionIds},
                   {"completion_texts", texts},
                   {"logprobs", perToken},
                   {"sum", sum},
                   {"mean", sum / n},
                   {"eos", eos >= 0}});
        return 0;
    }
    for (size_t i = 0; i < completionIds.size(); ++i)
        std::printf("%8d %12.6f  %s\n", completionIds[i], perToken[i],
                    nlohmann::json(tok.tokenText(completionIds[i])).dump().c_str());
    std::printf("sum %.6f, mean %.6f over %zu completion tokens (after %lld prompt tokens)\n", sum, sum / n,
                completionIds.size(), static_cast<long long>(encoded.promptTokens));
    return 0;
}

} // namespace

void addLogprobs(CLI::App& app, Context&, int& rc) {
    auto a = std::make_shared<LogprobsArgs>();
    auto* cmd =
        app.add_subcommand("logprobs", "Log-probability of each token given the ones before it (n-1 values)");
    a->policy.addTo(cmd);
    auto* text =
        cmd->add_option("--text", a->text, "Text to score (tokenized with the checkpoint's tokenizer)");
    auto* ids = cmd->add_option("--input-ids", a->ids, "Token ids to score, comma-separated");
    text->excludes(ids);
    auto* prompt = cmd->add_option("--prompt", a->prompt,
                                   "Score --completion after this prompt, tokenized as training does");
    auto* completion = cmd->add_option("--completion", a->completion, "The completion to score");
    prompt->needs(completion)->excludes(text)->excludes(ids);
    completion->needs(prompt);
    cmd->add_flag("--no-eos", a->noEos, "Do not end the completion with EOS (training appends it)");
    cmd->add_flag("--json", a->json, "Print a JSON result on stdout");
    cmd->callback([a, &rc, text, ids, prompt] {
        rc = runCommand(a->json, [&] {
            if (*prompt) return scoreCompletion(*a);
            if (!*text && !*ids)
                throw CLI::ValidationError("give --text, --input-ids or --prompt and --completion");
            auto policy = a->policy.load();
            std::vector<int32_t> tokens;
            if (*ids) {
                tokens = parseIdList(a->ids);
            } else {
                const auto& tok = policy->requireTokenizer();
                tokens = tok.encodePrompt(a->text);
            }
            if (tokens.size() < 2) throw std::invalid_argument("need at least two tokens to score");
            const auto lp = model::sequenceLogprobs(policy->model(), {tokens})[0];
            double sum = 0;
            for (float v : lp)
                sum += v;
            if (a->json) {
                nlohmann::json j{{"ok", true}, {"tokens", tokens}, {"logprobs", lp}, {"sum", sum}};
                if (const auto* tok = policy->tokenizer()) {
                    std::vector<std::string> texts;
                    for (int32_t t : tokens)
                        texts.push_back(tok->tokenText(t));
                    j["token_texts"] = texts;
                }
                printJson(j);
                return 0;
            }
            for (size_t i = 0; i < tokens.size(); ++i) {
                const std::string shown =
                    policy->tokenizer() ? nlohmann::json(policy->tokenizer()->tokenText(tokens[i])).dump()
                                        : "";
                if (i == 0)
                    std::printf("%8d %12s  %s\n", tokens[i], "", shown.c_str());
                else
                    std::printf("%8d %12.6f  %s\n", tokens[i], static_cast<double>(lp[i - 1]), shown.c_str());
            }
            std::printf("sum %.6f over %zu tokens\n", sum, lp.size());
            return 0;
        });
    });
}

} // namespace gpo::cli
