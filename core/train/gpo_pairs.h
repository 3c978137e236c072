#pragma once
// GPO's offline data (the paper's "Procedure II") and its baselines, built from what the project holds:
//   gpo / random-reset  for each failed trajectory of an analysis run, the critical step h* a selector
//                       picked (random for the Satori-style baseline); the pair shares the prompt and the
//                       prefix p_{h*}; chosen = a stored rollout from p_{h*} that reaches the reference
//                       answer, rejected = the trajectory's own continuation (or a failed rollout there);
//   whole               per problem, a right and a wrong sampled answer of the policy, whole.
// Every rule that drops a trajectory or problem is counted in the report, and so is every sampled
// token behind the kept and dropped data, so two methods can be given the same budget.
#include "model/prompt_format.h"
#include "store/pairs.h"

#include <map>
#include <string>

namespace gpo::train {

struct PairBuildReport {
    int64_t considered = 0; ///< trajectories (gpo) or problems (whole) looked at
    int64_t pairs = 0;
    std::map<std::string, int64_t> dropped; ///< why, how many
    int64_t tokensSampled = 0;
    nlohmann::json toJson() const;
};

struct PairBuild {
    std::vector<PreferencePair> pairs;
    PairBuildReport report;
};

struct ResetPairOptions {
    int64_t analysisRun = 0;
    std::string selector = "abs-advantage";
    bool sampledRejected = false; ///< rejected = a failed rollout from p_{h*}, not the trajectory's own
    int64_t perPrefix = 1;        ///< pairs per failed trajectory at most (one per successful rollout)
};

/// GPO (or random-reset) pairs from an analysis run's picks and stored rollouts. `tok` and `prompt` render
/// the question as the run's policy was asked it.
PairBuild buildResetPairs(Project& project, const model::Tokenizer& tok, const model::PromptFormat& prompt,
                          const ResetPairOptions& options);

struct WholePairOptions {
    std::string dataset; ///< required
    std::string source;  ///< the policy's name: whose sampled answers pair up
};

/// Whole-trajectory pairs: per problem of `dataset`, the first right and the first wrong answer of
/// `source` (by id). Sampled tokens are the policy's tokens of every answer considered.
PairBuild buildWholePairs(Project& project, const model::Tokenizer& tok, const model::PromptFormat& prompt,
                          const WholePairOptions& options);

} // namespace gpo::train

namespace gpo::train {

/// The pairs `gpo pairs build`'s options yield, built in memory (nothing stored): what the set would hold.
struct PreparedPairSet {
    std::string from;
    nlohmann::json config;
    PairBuild built;
};
PreparedPairSet preparePairSet(Project& project, const nlohmann::json& options, const std::string& where);
/// Builds and stores a pair set from `gpo pairs build`'s options as JSON: {"from": "gpo" | "random-reset"
/// | "whole", "run", "selector", "rejected": "own" | "sampled", "per_prefix", "dataset", "policy",
/// "source"}. An unknown key or a build that yields no pair is refused (naming `where`).
PairSet buildPairSet(Project& project, const std::string& name, const nlohmann::json& options,
                     const std::string& where);

} // namespace gpo::train
