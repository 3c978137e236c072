#include "cli_common.h"
#include "model/logprobs.h"
#include "policy_args.h"

#include <cstdio>

namespace gpo::cli {

void addLogprobs(CLI::App& app, Context&, int& rc) {
    struct Args {
        PolicyArgs policy;
        std::string text, ids;
        bool json = false;
    };
    auto a = std::make_shared<Args>();
    auto* cmd =
        app.add_subcommand("logprobs", "Log-probability of each token given the ones before it (n-1 values)");
    a->policy.addTo(cmd);
    auto* text =
        cmd->add_option("--text", a->text, "Text to score (tokenized with the checkpoint's tokenizer)");
    auto* ids = cmd->add_option("--input-ids", a->ids, "Token ids to score, comma-separated");
    text->excludes(ids);
    cmd->add_flag("--json", a->json, "Print a JSON result on stdout");
    cmd->callback([a, &rc, text, ids] {
        rc = runCommand(a->json, [&] {
            if (!*text && !*ids) throw CLI::ValidationError("give --text or --input-ids");
            auto policy = a->policy.load();
            std::vector<int32_t> tokens;
            if (*ids) {
                tokens = parseIdList(a->ids);
            } else {
                const auto& tok = policy->requireTokenizer();
                if (tok.addsBos()) tokens.push_back(tok.bosId());
                const auto body = tok.encode(a->text);
                tokens.insert(tokens.end(), body.begin(), body.end());
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
