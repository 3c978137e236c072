#pragma once
// User studies: a named set of trajectories that annotators work through, each in an order of their own
// (a seeded shuffle), with an optional overlap (how many annotators see each trajectory) and blind mode
// (the studio hides model values and picks until the annotator has answered).
#include "store/project.h"

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace gpo {

struct StudyConfig {
    std::string protocol = "critical-step"; ///< the template it was made from ("paper", "critical-step", …)
    std::vector<std::string> annotators;    ///< planned annotators; empty: anyone, and each sees everything
    int overlap = 0;                        ///< annotators per trajectory among the planned ones; 0: all
    uint64_t seed = 1;                      ///< of each annotator's order
    bool shuffle = true;                    ///< false: everyone sees the study's order
    bool blind = true;                      ///< hide model values and picks until answered
    bool stepLabels = false;                ///< ask for good / neutral / bad per step
    bool confidence = true;                 ///< ask how sure the annotator is (1–5)
    std::string instructions;

    nlohmann::json toJson() const;
    /// Throws std::invalid_argument naming the field that is wrong.
    static StudyConfig fromJson(const nlohmann::json& j);
};

/// A ready-made protocol: "paper" (the GPO paper's study: one most critical step per solution, blind, no
/// labels or confidence, everyone sees every solution) or "critical-step" (the same with confidence,
/// per-step good/neutral/bad labels and notes). Throws std::invalid_argument for an unknown name.
StudyConfig studyTemplate(const std::string& name);
std::vector<std::string> studyTemplateNames();

struct Study {
    int64_t id = 0;
    std::string name;
    StudyConfig config;
    int64_t items = 0;
    std::string createdAt;
};

/// Creates a study over `trajectories` (in that order; duplicates dropped). Throws std::invalid_argument
/// for a taken name, an empty or unknown trajectory list, or an overlap above the planned annotators.
int64_t createStudy(Project& project, const std::string& name, const StudyConfig& config,
                    const std::vector<int64_t>& trajectories);
std::vector<Study> listStudies(Project& project);
std::optional<Study> findStudy(Project& project, const std::string& name);
/// Throws std::invalid_argument naming the study when there is none.
Study requireStudy(Project& project, const std::string& name);
/// The study's trajectories in its own order.
std::vector<int64_t> studyItems(Project& project, int64_t studyId);

/// The trajectories `annotator` is given, in the order they are shown: with planned annotators and an
/// overlap, each trajectory goes to `overlap` of them in turn; everyone else sees all of them. The order
/// depends only on the study's seed, its items and the name, so it is the same on every machine.
std::vector<int64_t> annotatorQueue(const Study& study, const std::vector<int64_t>& items,
                                    const std::string& annotator);

/// `n` of `ids` drawn at random with `seed` (the same on every machine), in their original order; all of
/// them when there are no more than `n`.
std::vector<int64_t> seededSample(const std::vector<int64_t>& ids, size_t n, uint64_t seed);

/// An annotator's progress through a study.
struct StudyProgress {
    int64_t assigned = 0, answered = 0, skipped = 0;
    double seconds = 0;
};
/// `assigned`: the size of the annotator's queue when the caller has it (else it is worked out).
StudyProgress studyProgress(Project& project, const Study& study, const std::string& annotator,
                            std::optional<int64_t> assigned = std::nullopt);

} // namespace gpo
