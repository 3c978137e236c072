#include "train/online_resets.h"

#include "data/verifier.h"
#include "mc/trajectory_values.h"
#include "model/generation.h"
#include "model/policy.h"

#include <algorithm>
#include <c10/core/InferenceMode.h>
#include <cctype>
#include <cmath>
#include <map>
#include <optional>

namespace gpo::train {
namespace {

uint64_t mix(uint64_t h, uint64_t v) {
    h = (h ^ v) * 0x9E3779B97F4A7C15ull;
    return h ^ (h >> 29);
}

bool blank(const std::string& s) {
    return std::all_of(s.begin(), s.end(), [](unsigned char ch) { return std::isspace(ch) != 0; });
}

/// One candidate's search: its steps, what the selector has seen, and the rollouts drawn per prefix.
struct Search {
    std::vector<size_t> starts;
    std::vector<int32_t> shared; ///< prompt + the whole failed completion
    std::vector<std::string> prefixText;
    mc::TrajectoryValues values;
    std::map<int, std::vector<model::Generated>> drawn;
    std::map<int, std::vector<double>> rewards;
    bool done = false;
};

} // namespace

double gradeCompletion(const OnlinePrompt& prompt, const std::string& text) {
    return prompt.verifier && prompt.verifier->verify(text, prompt.answer, prompt.question).correct ? 1.0
                                                                                                    : 0.0;
}

std::vector<size_t> stepStarts(const model::Tokenizer& tok, const std::vector<int32_t>& completion,
                               int64_t maxSteps) {
    std::vector<std::string> text;
    text.reserve(completion.size());
    for (const int32_t id : completion)
        text.push_back(tok.decode({id}, true)); // special tokens (EOS) are no step of their own
    std::vector<size_t> starts{0};
    bool content = false; // the current step has more than whitespace
    for (size_t j = 0; j + 1 < completion.size(); ++j) {
        content = content || !blank(text[j]);
        if (!content || text[j].find('\n') == std::string::npos) continue;
        bool more = false;
        for (size_t k = j + 1; k < completion.size() && !more; ++k)
            more = !blank(text[k]);
        if (!more) break;
        if (static_cast<int64_t>(starts.size()) >= maxSteps) break;
        starts.push_back(j + 1);
        content = false;
    }
    return starts;
}

ResetReport resetAtCriticalSteps(model::Policy& policy, const std::vector<ResetCandidate>& candidates,
                                 const mc::Selector& selector, const OnlineGpoSettings& s,
                                 const model::SamplingParams& sampling, uint64_t seed) {
    const model::Tokenizer& tok = policy.requireTokenizer();
    ResetReport report;
    report.candidates = static_cast<int64_t>(candidates.size());
    if (candidates.empty()) return report;
    mc::SelectorOptions options;
    options.threshold = s.threshold;
    options.seed = seed;

    std::vector<Search> search(candidates.size());
    std::vector<std::vector<int32_t>> shared;
    for (size_t i = 0; i < candidates.size(); ++i) {
        const ResetCandidate& c = candidates[i];
        Search& x = search[i];
        x.starts = stepStarts(tok, c.completion, s.maxSteps);
        x.shared = c.prompt->tokens;
        x.shared.insert(x.shared.end(), c.completion.begin(), c.completion.end());
        for (const size_t start : x.starts)
            x.prefixText.push_back(tok.decode(
                {c.completion.begin(), c.completion.begin() + static_cast<std::ptrdiff_t>(start)}, true));
        x.values = mc::TrajectoryValues::unknown(static_cast<int64_t>(c.key >> 1),
                                                 static_cast<int>(x.starts.size()), false);
        shared.push_back(x.shared);
    }

    // Rounds: every candidate's wanted prefixes, K rollouts each, until no selector wants more.
    auto draw = [&](const std::vector<std::pair<size_t, int>>& prefixes) {
        std::vector<model::GenerationRow> rows;
        for (const auto& [i, h] : prefixes)
            for (int64_t k = 0; k < s.rollouts; ++k)
                rows.push_back(
                    {static_cast<int64_t>(candidates[i].prompt->tokens.size() +
                                          search[i].starts[static_cast<size_t>(h)]),
                     {},
                     mix(mix(candidates[i].key, static_cast<uint64_t>(h)), static_cast<uint64_t>(k)),
                     i});
        model::GenerationStats stats;
        std::vector<model::Generated> out;
        {
            c10::InferenceMode inference;
            out = model::generateForked(policy, shared, rows, sampling, &stats);
        }
        report.rollouts += static_cast<int64_t>(out.size());
        report.sampledTokens += stats.newTokens;
        size_t r = 0;
        for (const auto& [i, h] : prefixes) {
            Search& x = search[i];
            double successes = 0;
            for (int64_t k = 0; k < s.rollouts; ++k, ++r) {
                const double reward = gradeCompletion(*candidates[i].prompt,
                                                      x.prefixText[static_cast<size_t>(h)] + out[r].text);
                successes += reward;
                x.rewards[h].push_back(reward);
                x.drawn[h].push_back(std::move(out[r]));
            }
            x.values.set(h, s.rollouts, successes);
        }
    };
    for (;;) {
        std::vector<std::pair<size_t, int>> wanted;
        for (size_t i = 0; i < search.size(); ++i) {
            Search& x = search[i];
            if (x.done) continue;
            bool any = false;
            for (const int h : selector.wanted(x.values, options))
                if (h >= 0 && h < x.values.steps && !x.drawn.count(h)) {
                    wanted.emplace_back(i, h);
                    any = true;
                }
            x.done = !any;
        }
        if (wanted.empty()) break;
        draw(wanted);
    }

    // Picks; a pick whose prefix has no rollouts yet (the random selector's) gets its K now.
    std::vector<std::optional<int>> picks(search.size());
    std::vector<std::pair<size_t, int>> missing;
    for (size_t i = 0; i < search.size(); ++i) {
        picks[i] = selector.pick(search[i].values, options);
        if (picks[i] && (*picks[i] < 0 || *picks[i] >= search[i].values.steps)) picks[i].reset();
        if (picks[i] && !search[i].drawn.count(*picks[i])) missing.emplace_back(i, *picks[i]);
    }
    if (!missing.empty()) draw(missing);

    for (size_t i = 0; i < search.size(); ++i) {
        if (!picks[i]) {
            ++report.noPick;
            continue;
        }
        const int h = *picks[i];
        Search& x = search[i];
        const auto& rewards = x.rewards[h];
        const size_t best =
            static_cast<size_t>(std::find(rewards.begin(), rewards.end(), 1.0) != rewards.end()
                                    ? std::find(rewards.begin(), rewards.end(), 1.0) - rewards.begin()
                                    : 0);
        const model::Generated& g = x.drawn[h][best];
        ResetSample r;
        r.candidate = i;
        r.steps = x.values.steps;
        r.criticalStep = h;
        const size_t keep = x.starts[static_cast<size_t>(h)];
        r.completion.assign(candidates[i].completion.begin(),
                            candidates[i].completion.begin() + static_cast<std::ptrdiff_t>(keep));
        r.completion.insert(r.completion.end(), g.tokens.begin(), g.tokens.end());
        r.finish = g.finish;
        r.text = x.prefixText[static_cast<size_t>(h)] + g.text;
        r.reward = rewards[best];
        if (static_cast<int64_t>(r.completion.size()) > sampling.maxNewTokens) {
            // The whole reset completion keeps the run's length cap, and is graded as cut.
            r.completion.resize(static_cast<size_t>(sampling.maxNewTokens));
            r.text = tok.decode(r.completion, true);
            r.finish = "length";
            r.reward = gradeCompletion(*candidates[i].prompt, r.text);
        }
        for (int p = 0; p < x.values.steps; ++p)
            r.values.push_back(x.values.value(p).value_or(std::nan("")));
        report.samples.push_back(std::move(r));
    }
    return report;
}

} // namespace gpo::train
