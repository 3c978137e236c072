#pragma once
// Segmenters split a response into steps; each step keeps its byte offsets into the response.
#include "data/types.h"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace gpo {

struct SegmentOptions {
    /// Steps with fewer non-space characters than this are merged into the next step.
    int minChars = 0;
    /// When > 0, steps past this count are folded into the last one.
    int maxSteps = 0;
};

class Segmenter {
public:
    virtual ~Segmenter() = default;
    virtual std::string name() const = 0;
    virtual std::string description() const = 0;
    /// Raw split: trimmed, non-empty steps in order.
    virtual std::vector<Step> split(std::string_view text) const = 0;
    /// The split with the options' merging and folding applied.
    std::vector<Step> segment(std::string_view text, const SegmentOptions& options) const;
};

/// The paper's rule: one step per non-empty line.
class NewlineSegmenter final : public Segmenter {
public:
    std::string name() const override { return "newline"; }
    std::string description() const override { return "one step per non-empty line (the GPO paper's rule)"; }
    std::vector<Step> split(std::string_view text) const override;
};

/// One step per paragraph (blocks separated by blank lines).
class ParagraphSegmenter final : public Segmenter {
public:
    std::string name() const override { return "paragraph"; }
    std::string description() const override { return "one step per blank-line separated paragraph"; }
    std::vector<Step> split(std::string_view text) const override;
};

/// One step per "Step k:" / "## Step k" marker at a line start; text before the first marker is a step.
class StepMarkerSegmenter final : public Segmenter {
public:
    std::string name() const override { return "step-marker"; }
    std::string description() const override {
        return "one step per 'Step k:' marker at the start of a line";
    }
    std::vector<Step> split(std::string_view text) const override;
};

/// Applies minChars / maxSteps to an existing split of `text`.
std::vector<Step> applySegmentOptions(std::string_view text, std::vector<Step> steps,
                                      const SegmentOptions& o);

/// Builds a response from given step strings joined by `separator`, with exact offsets.
Trajectory trajectoryFromSteps(const std::vector<std::string>& steps, std::string_view separator = "\n\n");

} // namespace gpo
