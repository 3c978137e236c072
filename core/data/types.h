#pragma once
// The data model shared by every reader, the store and the analysis: problems, trajectories, steps.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace gpo {

/// One reasoning step: the byte range [begin, end) of its trajectory's response (UTF-8).
struct Step {
    int64_t begin = 0;
    int64_t end = 0;
    /// A human rating of the step where the source has one (PRM800K: -1 bad, 0 neutral, 1 good).
    std::optional<int> label;
};

/// A question with its reference final answer, as one dataset states it.
struct Problem {
    std::string sourceId; ///< the record's id in its source (id field, file path, or line)
    std::string question; ///< the full prompt text, choices included for multiple choice
    std::string answer;   ///< reference final answer; empty when the source has none
    std::string verifier; ///< verifier name; empty means the dataset's default
    std::string subject;
    std::string level;
    std::string split;
};

/// One answer to a problem, split into steps.
struct Trajectory {
    std::string source;   ///< "reference" for a dataset's worked solution, else the model's name
    std::string response; ///< the whole text; steps index into it
    std::vector<Step> steps;
    std::optional<int> firstError;      ///< labelled index of the earliest wrong step; -1 when none
    std::optional<bool> labeledCorrect; ///< an outside verdict on the final answer (ProcessBench)
};

/// What a reader yields: a problem and the trajectories the source ships with it.
struct Record {
    Problem problem;
    std::vector<Trajectory> trajectories;
    int64_t line = 0; ///< where the record starts in its file (1-based), for messages
};

/// The text of step `i` of `t`.
inline std::string_view stepText(const Trajectory& t, size_t i) {
    const Step& s = t.steps.at(i);
    return std::string_view(t.response)
        .substr(static_cast<size_t>(s.begin), static_cast<size_t>(s.end - s.begin));
}

} // namespace gpo
