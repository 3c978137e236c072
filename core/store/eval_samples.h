#pragma once
// What an evaluation drew, sample by sample, and how it sampled. Identical answers are one trajectory, so
// a statistic recomputed from the project counts an evaluation's samples (schema 7's eval_samples), never
// its distinct texts; and two policies are compared only when they were evaluated the same way.
#include "store/project.h"

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace gpo {

/// How an evaluation sampled its answers: what makes two evaluations comparable (the seed does not).
struct EvalSampling {
    int64_t samples = 1;      ///< answers per problem
    double temperature = 0;   ///< 0: greedy
    double topP = 1.0;        ///< ignored when greedy
    int64_t topK = 0;         ///< 0: off; ignored when greedy
    int64_t maxNewTokens = 0; ///< 0: the policy's default
    static EvalSampling greedy() { return {}; }
    /// Read from an eval run's stored config.
    static EvalSampling fromRunConfig(const nlohmann::json& config);
    bool isGreedy() const { return temperature == 0; }
    /// Equal settings after greedy's unused knobs are set aside; a maxNewTokens of 0 matches any.
    bool sameAs(const EvalSampling& o) const;
    /// `gpo eval` options that sample this way (--samples, --temperature, …).
    std::vector<std::string> evalArguments() const;
    /// For people: "greedy, 1 answer a problem", "4 samples a problem at T 1, top-p 0.95".
    std::string describe() const;
};

/// Records each sample of an evaluation run: sample `sampleIdx` of problem `problemId` is trajectory
/// `trajectoryId` (which may hold other samples with the same text too).
class EvalSampleWriter {
public:
    explicit EvalSampleWriter(sql::Database& db);
    void add(int64_t runId, int64_t problemId, int64_t sampleIdx, int64_t trajectoryId);

private:
    sql::Statement insert_;
};

struct EvalRunEntry {
    int64_t id = 0;
    std::string policy, dataset, finishedAt;
    EvalSampling sampling;
};

/// The finished evaluations of `policy` on `dataset` that recorded their samples, newest first (`policy`
/// empty: of every policy).
std::vector<EvalRunEntry> evalRuns(Project& project, const std::string& dataset,
                                   const std::string& policy = {});
/// The newest of those that sampled as `how`.
std::optional<EvalRunEntry> latestEvalRun(Project& project, const std::string& dataset,
                                          const std::string& policy, const EvalSampling& how);
/// The distinct ways the dataset's evaluations sampled, greedy first, then by the newest run.
std::vector<EvalSampling> evalSamplings(Project& project, const std::string& dataset);

/// One problem's samples in one evaluation: each counted as often as it was drawn.
struct ProblemSamples {
    int64_t right = 0, total = 0;
    int64_t rightTrajectory = 0, wrongTrajectory = 0; ///< an answer of each kind (0: none)
    double fraction() const { return total ? static_cast<double>(right) / static_cast<double>(total) : 0.0; }
};
/// An evaluation's verified samples by problem.
std::map<int64_t, ProblemSamples> samplesOfRun(Project& project, int64_t runId);

} // namespace gpo
