#pragma once
// People's (and imported) critical-step annotations: annotators as named identities, and one annotation
// per annotator, trajectory and study, written in its own transaction so that nothing entered is lost
// when the studio is killed.
#include "store/project.h"

#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace gpo {

struct AnnotatorInfo {
    int64_t id = 0;
    std::string name;
    std::string kind; ///< "human", or where imported labels came from ("prm800k", "processbench", …)
    int64_t annotations = 0;
};

/// The annotator of that name, created (with `kind`) when missing. Throws std::invalid_argument for an
/// empty or over-long name.
int64_t ensureAnnotator(Project& project, const std::string& name, const std::string& kind = "human");
std::optional<AnnotatorInfo> findAnnotator(Project& project, const std::string& name);
std::vector<AnnotatorInfo> listAnnotators(Project& project);

/// A step's PRM800K-style rating.
enum class StepRating : int { Bad = -1, Neutral = 0, Good = 1 };

struct Annotation {
    int64_t annotatorId = 0;
    int64_t trajectoryId = 0;
    std::optional<int64_t> studyId; ///< none: outside any study (imported labels)
    std::optional<int> criticalStep;
    bool noSingleStep = false;                         ///< "no single critical step"
    bool skipped = false;                              ///< passed over without an answer
    std::vector<std::optional<StepRating>> stepLabels; ///< empty, or one per step
    std::optional<int> confidence;                     ///< 1 (guess) … 5 (sure)
    std::string note;
    double seconds = 0; ///< time spent on it, over every visit
    std::string updatedAt;

    /// A pick or "no single critical step".
    bool answered() const { return criticalStep.has_value() || noSingleStep; }
};

enum class Stamp {
    Now,  ///< updated_at becomes the current time (an edit)
    Given ///< keep annotation.updatedAt (merging a returned study pack)
};
/// Inserts or replaces the annotation of (annotator, trajectory, study) and commits. Throws
/// std::invalid_argument for a step or label list outside the trajectory, or a confidence outside 1–5.
void saveAnnotation(Project& project, const Annotation& annotation, Stamp stamp = Stamp::Now);
/// The same for many, in one transaction: all are written or none.
void saveAnnotations(Project& project, std::span<const Annotation> annotations, Stamp stamp = Stamp::Now);
std::optional<Annotation> loadAnnotation(Project& project, int64_t annotatorId, int64_t trajectoryId,
                                         std::optional<int64_t> studyId);
/// Every annotation of a study (all annotators), or of one annotator in it.
std::vector<Annotation> studyAnnotations(Project& project, std::optional<int64_t> studyId,
                                         std::optional<int64_t> annotatorId = std::nullopt);

/// Step labels as stored: a JSON list of -1/0/1/null.
std::string stepLabelsToJson(const std::vector<std::optional<StepRating>>& labels);
std::vector<std::optional<StepRating>> stepLabelsFromJson(const std::string& text);

} // namespace gpo
