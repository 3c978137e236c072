#pragma once
// Evaluating a policy on a dataset of a project: sample it on every problem, grade each answer with the
// problem's verifier, store the answers as trajectories (source = the policy's name) with their verdicts,
// and record the run with its pass@1 and pass@k. Work is committed batch by batch, so a killed run
// keeps what it finished and a rerun adds only what is new.
#include "model/policy.h"
#include "model/prompt_format.h"
#include "plugin/registry.h"
#include "store/project.h"

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace gpo::jobs {

struct EvalOptions {
    std::string dataset;
    std::string policyName;  ///< the trajectories' source
    int64_t samples = 1;     ///< answers per problem
    double temperature = -1; ///< < 0: greedy for one sample, 1.0 for several
    double topP = 1.0;
    int64_t topK = 0;
    int64_t maxNewTokens = 0; ///< 0: generation_config.json's max_new_tokens, else 512
    int64_t limit = 0;        ///< only the first `limit` problems (0: all)
    int64_t skip = 0;         ///< leave out the first `skip` of those (sample a further slice)
    int64_t batchSize = 64;   ///< sequences per generation batch
    uint64_t seed = 0;
    std::string segmenter = "newline";
    std::optional<model::PromptFormat> prompt; ///< else the checkpoint's (gpo_prompt.json or default)
    std::function<bool()> cancelled;           ///< checked between batches
    std::function<void(const nlohmann::json&)> progress; ///< one event per batch
};

struct EvalResult {
    int64_t runId = 0;
    int64_t problems = 0; ///< problems answered
    int64_t skippedNoReference = 0;
    int64_t samples = 0;           ///< answers generated
    int64_t correct = 0;           ///< right answers among them
    int64_t trajectoriesAdded = 0; ///< new rows (a repeated answer is stored once)
    int64_t newTokens = 0;
    double passAt1 = 0;
    std::map<int64_t, double> passAtK; ///< k = 1, 2, 4, ... up to samples, and samples itself
    bool cancelled = false;
    double seconds = 0;
    nlohmann::json toJson() const;
};

/// Throws std::invalid_argument (unknown dataset, no problem with a reference answer), InputError, or
/// StoreError. The run is recorded as failed when anything throws after it started.
EvalResult evaluatePolicy(Project& project, const Registry& registry, model::Policy& policy,
                          const EvalOptions& options);

} // namespace gpo::jobs
