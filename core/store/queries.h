#pragma once
// Reading a project: counts, filtered trajectory lists, one trajectory in full.
#include "data/types.h"
#include "store/project.h"

#include <optional>
#include <string>
#include <vector>

namespace gpo {

struct DatasetStats {
    std::string name;
    std::string format;
    std::string verifier;
    int64_t problems = 0, trajectories = 0, steps = 0, annotations = 0;
    int64_t verified = 0, correct = 0;
};

struct ProjectStats {
    int64_t problems = 0, trajectories = 0, steps = 0, annotations = 0;
    std::vector<DatasetStats> datasets;
};

ProjectStats projectStats(Project& project);

enum class Correctness { Any, Correct, Incorrect, Unverified };

struct TrajectoryFilter {
    std::string dataset; ///< empty: all
    Correctness correctness = Correctness::Any;
    std::string text;         ///< substring of question or response (case-insensitive for ASCII); empty: all
    std::string source;       ///< "reference" or a model name; empty: all
    std::vector<int64_t> ids; ///< non-empty: only these
};

/// One row of the trajectory browser.
struct TrajectoryRow {
    int64_t id = 0;
    int64_t problemId = 0;
    std::string dataset;
    std::string source;
    std::string questionStart; ///< the first ~160 characters of the question
    int64_t steps = 0;
    std::optional<bool> correct;
    std::string finalAnswer;
    std::optional<int64_t> firstError;
    int64_t analyses = 0; ///< analysis runs with results for it
};

/// Ids matching the filter, in id order.
std::vector<int64_t> trajectoryIds(Project& project, const TrajectoryFilter& filter);
/// Rows for the given ids (order kept; unknown ids left out).
std::vector<TrajectoryRow> trajectoryRows(Project& project, const std::vector<int64_t>& ids);

struct TrajectoryDetail {
    int64_t id = 0;
    int64_t problemId = 0;
    std::string dataset;
    std::string verifier; ///< the verifier that applies (problem's, else dataset's)
    Problem problem;
    std::string answerFrom;
    Trajectory trajectory;
    std::optional<bool> correct;
    std::string finalAnswer;
};

std::optional<TrajectoryDetail> loadTrajectory(Project& project, int64_t id);

std::vector<std::string> datasetNames(Project& project);

/// A problem a policy can be graded on: it has a reference answer, and the verifier that applies.
struct GradableProblem {
    int64_t id = 0;
    std::string question, answer;
    std::string verifier; ///< the problem's, else its dataset's
};
/// The first `limit` (0: all) problems of `dataset` with a reference answer, in id order; those without
/// one that were passed over are counted in `withoutAnswer`. Throws std::invalid_argument naming the
/// dataset when it is unknown or has no such problem.
std::vector<GradableProblem> gradableProblems(Project& project, const std::string& dataset, int64_t limit,
                                              int64_t* withoutAnswer = nullptr);
/// Throws std::invalid_argument naming `dataset` when the project has no dataset of that name.
void requireDataset(Project& project, const std::string& dataset);

} // namespace gpo
